import request from 'supertest';
import { createSandboxApp, createSandboxControl, createSandboxState } from '../../src';
import type { Express } from 'express';
import type { SandboxControl, SandboxState, SandboxSettings } from '../../src';

/** The app every sandbox test uses. */
export const APP = { appId: 'wx0000000000000001', appSecret: 'secret-one' } as const;

/** A second app, for isolation checks. */
export const APP2 = { appId: 'wx0000000000000002', appSecret: 'secret-two' } as const;

/** A valid 28-character openid. */
export const OPENID = 'oUser0000000000000000000001';

/** A test sandbox without a listening port. */
export interface TestSandbox {
  state: SandboxState;
  control: SandboxControl;
  app: Express;
}

/** A state, its control surface and its Express app over both test apps. */
export function buildSandbox(
  options: { now?: () => number; settings?: Partial<SandboxSettings> } = {},
): TestSandbox {
  const state = createSandboxState({
    apps: [APP, APP2],
    now: options.now,
    settings: options.settings,
  });
  const control = createSandboxControl(state);
  return { state, control, app: createSandboxApp(state, control) };
}

/** GET /cgi-bin/token with the given credentials. */
export function getClassic(
  app: Express,
  appId: string = APP.appId,
  secret: string = APP.appSecret,
) {
  return request(app)
    .get('/cgi-bin/token')
    .query({ grant_type: 'client_credential', appid: appId, secret });
}

/** POST /cgi-bin/stable_token with the given credentials. */
export function postStable(
  app: Express,
  forceRefresh = false,
  appId: string = APP.appId,
  secret: string = APP.appSecret,
) {
  return request(app)
    .post('/cgi-bin/stable_token')
    .send({ grant_type: 'client_credential', appid: appId, secret, force_refresh: forceRefresh });
}

/** Fetches a classic token over HTTP. */
export async function classicToken(
  app: Express,
  appId: string = APP.appId,
  secret: string = APP.appSecret,
): Promise<string> {
  const res = await getClassic(app, appId, secret);
  return (res.body as { access_token: string }).access_token;
}

/** POSTs a send call; `api` is template, subscribe or bizsend. */
export function send(app: Express, token: string, body: unknown, api = 'template') {
  const path = {
    template: '/cgi-bin/message/template/send',
    subscribe: '/cgi-bin/message/subscribe/send',
    bizsend: '/cgi-bin/message/subscribe/bizsend',
  }[api];
  return request(app)
    .post(path ?? '/')
    .query({ access_token: token })
    .send(body as object);
}

/** The errcode of a WeChat answer. */
export function errcodeOf(res: { body: unknown }): number {
  return (res.body as { errcode?: number }).errcode ?? 0;
}

/** The msgid of a send answer, with every digit (read from the raw text). */
export function msgidOf(res: { text: string }): string {
  const match = /"msgid":(\d+)/.exec(res.text);
  if (!match?.[1]) {
    throw new Error(`no msgid in ${res.text}`);
  }
  return match[1];
}
