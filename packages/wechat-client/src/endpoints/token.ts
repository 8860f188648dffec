import { secretRedactor } from '@wechat-dispatch/shared';
import { WeChatTransportError } from '../errors/wechat-transport-error';
import { wechatRequest, type WeChatRequest } from '../http/wechat-request';
import type { EndpointContext } from './endpoint-context';

/** `GET /cgi-bin/token`: each fetch replaces the app's previous token (5 min overlap). */
export const CLASSIC_TOKEN_PATH = '/cgi-bin/token';
/** `POST /cgi-bin/stable_token`: returns the same token while it is valid. */
export const STABLE_TOKEN_PATH = '/cgi-bin/stable_token';

/** A fetched access token. */
export interface AccessTokenResult {
  accessToken: string;
  /** Seconds of validity left, as WeChat said (not always 7200). */
  expiresIn: number;
}

/** Query of `GET /cgi-bin/token`. */
export interface ClassicTokenQuery {
  grant_type: 'client_credential';
  appid: string;
  secret: string;
}

/** Body of `POST /cgi-bin/stable_token`. */
export interface StableTokenRequest {
  grant_type: 'client_credential';
  appid: string;
  secret: string;
  /** True invalidates the current token; 20 per day. Never sent automatically. */
  force_refresh: boolean;
}

/** Success body of both token endpoints (they omit errcode on success). */
export interface TokenResponse {
  access_token: string;
  expires_in: number;
}

function toResult(body: Record<string, unknown>, req: WeChatRequest): AccessTokenResult {
  const token = body.access_token;
  const expiresIn = body.expires_in;
  if (
    typeof token !== 'string' ||
    token.length === 0 ||
    typeof expiresIn !== 'number' ||
    !Number.isFinite(expiresIn) ||
    expiresIn <= 0
  ) {
    throw new WeChatTransportError({
      kind: 'invalid_body',
      endpoint: req.path,
      method: req.method,
      detail: 'token answer lacks access_token or expires_in',
    });
  }
  secretRedactor.registerRollingSecret(token);
  return { accessToken: token, expiresIn };
}

/** Fetches a token from `GET /cgi-bin/token`. */
export async function getClassicToken(
  ctx: EndpointContext,
  appId: string,
  appSecret: string,
): Promise<AccessTokenResult> {
  secretRedactor.registerSecret(appSecret);
  const params: ClassicTokenQuery = {
    grant_type: 'client_credential',
    appid: appId,
    secret: appSecret,
  };
  const req: WeChatRequest = {
    method: 'GET',
    path: CLASSIC_TOKEN_PATH,
    params: { ...params },
    endpointKind: 'token',
    secrets: [appSecret],
    timeoutMs: ctx.timeoutMs,
  };
  return toResult(await wechatRequest(ctx.http, req), req);
}

/** Fetches a token from `POST /cgi-bin/stable_token`. */
export async function getStableToken(
  ctx: EndpointContext,
  appId: string,
  appSecret: string,
  forceRefresh: boolean,
): Promise<AccessTokenResult> {
  secretRedactor.registerSecret(appSecret);
  const body: StableTokenRequest = {
    grant_type: 'client_credential',
    appid: appId,
    secret: appSecret,
    force_refresh: forceRefresh,
  };
  const req: WeChatRequest = {
    method: 'POST',
    path: STABLE_TOKEN_PATH,
    body,
    endpointKind: 'token',
    secrets: [appSecret],
    timeoutMs: ctx.timeoutMs,
  };
  return toResult(await wechatRequest(ctx.http, req), req);
}
