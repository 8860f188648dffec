import type { SandboxHandle } from '../../src';
import { APP, OPENID } from './test-apps';

/** A template message every fault test can send. */
export const TEMPLATE_BODY = {
  touser: OPENID,
  template_id: 'TPL_fault',
  data: { keyword1: { value: 'v' } },
};

/** Fetches a classic token from a running sandbox. */
export async function fetchToken(sandbox: SandboxHandle): Promise<string> {
  const res = await fetch(
    `${sandbox.url}/cgi-bin/token?grant_type=client_credential&appid=${APP.appId}&secret=${APP.appSecret}`,
  );
  return ((await res.json()) as { access_token: string }).access_token;
}

/** POSTs a template send to a running sandbox. */
export function postTemplate(
  sandbox: SandboxHandle,
  token: string,
  body: unknown = TEMPLATE_BODY,
  init: RequestInit = {},
): Promise<Response> {
  return fetch(`${sandbox.url}/cgi-bin/message/template/send?access_token=${token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...init,
  });
}

/** POSTs JSON to a control route of a running sandbox. */
export async function postControl(
  sandbox: SandboxHandle,
  path: string,
  body: unknown,
): Promise<Response> {
  return fetch(`${sandbox.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}
