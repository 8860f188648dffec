import { isRecord } from './parse-body';
import { wechatError } from './errcodes';
import type { ParsedBody } from './parse-body';
import type { WeChatError } from './errcodes';
import type { SandboxState } from '../state/sandbox-state';

/** A token answer: WeChat omits `errcode` on success. */
export type TokenOutcome =
  { ok: true; access_token: string; expires_in: number } | { ok: false; error: WeChatError };

/** Credentials as sent to a token route. */
export interface Credentials {
  grant_type?: unknown;
  appid?: unknown;
  secret?: unknown;
}

/** The appid of `credentials` when the sandbox knows it, for stats and fault matching. */
export function knownAppId(state: SandboxState, appid: unknown): string | undefined {
  return typeof appid === 'string' && state.apps.has(appid) ? appid : undefined;
}

function checkCredentials(state: SandboxState, c: Credentials): WeChatError | string {
  if (typeof c.appid !== 'string' || c.appid === '') {
    return wechatError(41002);
  }
  if (typeof c.secret !== 'string' || c.secret === '') {
    return wechatError(41004);
  }
  if (c.grant_type !== 'client_credential') {
    return wechatError(40002);
  }
  const secret = state.apps.get(c.appid);
  if (secret === undefined) {
    return wechatError(40013);
  }
  if (secret !== c.secret) {
    return wechatError(40125);
  }
  return c.appid;
}

/** `GET /cgi-bin/token`: every call issues a new token and counts against the daily limit. */
export function issueClassicToken(state: SandboxState, query: Credentials): TokenOutcome {
  const appid = checkCredentials(state, query);
  if (typeof appid !== 'string') {
    return { ok: false, error: appid };
  }
  if (state.daily.increment(`token:${appid}`) > state.settings.tokenDailyLimit) {
    return { ok: false, error: wechatError(45009) };
  }
  const record = state.tokens.issueClassic(appid);
  return { ok: true, access_token: record.token, expires_in: state.settings.tokenTtlS };
}

/** `POST /cgi-bin/stable_token`: JSON body `{ grant_type, appid, secret, force_refresh }`. */
export function issueStableToken(state: SandboxState, body: ParsedBody): TokenOutcome {
  if (!body.ok || !isRecord(body.value)) {
    return { ok: false, error: wechatError(47001) };
  }
  const appid = checkCredentials(state, body.value);
  if (typeof appid !== 'string') {
    return { ok: false, error: appid };
  }
  if (state.daily.increment(`stable_token:${appid}`) > state.settings.stableTokenDailyLimit) {
    return { ok: false, error: wechatError(45009) };
  }
  const result = state.tokens.getStable(appid, body.value.force_refresh === true);
  if (!result.ok) {
    return { ok: false, error: wechatError(result.errcode) };
  }
  return { ok: true, access_token: result.record.token, expires_in: result.expiresInS };
}
