import { secretRedactor } from '@wechat-dispatch/shared';
import { WeChatTransportError } from '../errors/wechat-transport-error';
import { wechatRequest, type WeChatRequest } from '../http/wechat-request';
import { funcScopesOf } from './authorizer-info';
import type { EndpointContext } from './endpoint-context';
import type { AccessTokenResult } from './token';

/** Open Platform (第三方平台) component endpoints, all `POST` with a JSON body. */
export const COMPONENT_PATHS = {
  componentToken: '/cgi-bin/component/api_component_token',
  preAuthCode: '/cgi-bin/component/api_create_preauthcode',
  queryAuth: '/cgi-bin/component/api_query_auth',
  authorizerToken: '/cgi-bin/component/api_authorizer_token',
} as const;

/** An authorizer's tokens, from `api_query_auth` or `api_authorizer_token`. */
export interface AuthorizerTokens extends AccessTokenResult {
  authorizerAppId: string;
  /** WeChat may answer a new one; the old one must then be replaced (never lost). */
  refreshToken: string;
}

/** `api_query_auth`'s answer: the tokens and the permission sets granted. */
export interface AuthorizationGrant extends AuthorizerTokens {
  funcScopes: number[];
}

/** `api_create_preauthcode` answer. */
export interface PreAuthCode {
  preAuthCode: string;
  expiresIn: number;
}

function invalid(req: WeChatRequest, detail: string): WeChatTransportError {
  return new WeChatTransportError({
    kind: 'invalid_body',
    endpoint: req.path,
    method: req.method,
    detail,
  });
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function seconds(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

function post(
  ctx: EndpointContext,
  path: string,
  body: Record<string, string>,
  secrets: string[],
  componentToken?: string,
): WeChatRequest {
  return {
    method: 'POST',
    path,
    params: componentToken === undefined ? undefined : { component_access_token: componentToken },
    body,
    endpointKind: 'token',
    secrets: componentToken === undefined ? secrets : [...secrets, componentToken],
    timeoutMs: ctx.timeoutMs,
  };
}

/** `api_component_token`: the component_access_token (2 h) from the secret and the ticket. */
export async function getComponentToken(
  ctx: EndpointContext,
  componentAppId: string,
  componentSecret: string,
  verifyTicket: string,
): Promise<AccessTokenResult> {
  secretRedactor.registerSecret(componentSecret);
  const req = post(
    ctx,
    COMPONENT_PATHS.componentToken,
    {
      component_appid: componentAppId,
      component_appsecret: componentSecret,
      component_verify_ticket: verifyTicket,
    },
    [componentSecret, verifyTicket],
  );
  const body = await wechatRequest(ctx.http, req);
  const token = text(body.component_access_token);
  const expiresIn = seconds(body.expires_in);
  if (token === undefined || expiresIn === undefined) {
    throw invalid(req, 'answer lacks component_access_token or expires_in');
  }
  secretRedactor.registerRollingSecret(token);
  return { accessToken: token, expiresIn };
}

/** `api_create_preauthcode`: a pre_auth_code for one authorization page (30 min). */
export async function createPreAuthCode(
  ctx: EndpointContext,
  componentToken: string,
  componentAppId: string,
): Promise<PreAuthCode> {
  const req = post(
    ctx,
    COMPONENT_PATHS.preAuthCode,
    { component_appid: componentAppId },
    [],
    componentToken,
  );
  const body = await wechatRequest(ctx.http, req);
  const preAuthCode = text(body.pre_auth_code);
  if (preAuthCode === undefined) {
    throw invalid(req, 'answer lacks pre_auth_code');
  }
  return { preAuthCode, expiresIn: seconds(body.expires_in) ?? 1800 };
}

function authorizerTokens(
  req: WeChatRequest,
  info: Record<string, unknown>,
  authorizerAppId: string | undefined,
): AuthorizerTokens {
  const appId = text(info.authorizer_appid) ?? authorizerAppId;
  const accessToken = text(info.authorizer_access_token);
  const refreshToken = text(info.authorizer_refresh_token);
  const expiresIn = seconds(info.expires_in);
  if (!appId || !accessToken || !refreshToken || !expiresIn) {
    throw invalid(req, 'answer lacks an authorizer token, refresh token or expires_in');
  }
  secretRedactor.registerRollingSecret(accessToken);
  secretRedactor.registerRollingSecret(refreshToken);
  return { authorizerAppId: appId, accessToken, refreshToken, expiresIn };
}

/** `api_query_auth`: exchanges an authorization code for the authorizer's tokens. */
export async function queryAuth(
  ctx: EndpointContext,
  componentToken: string,
  componentAppId: string,
  authorizationCode: string,
): Promise<AuthorizationGrant> {
  const req = post(
    ctx,
    COMPONENT_PATHS.queryAuth,
    { component_appid: componentAppId, authorization_code: authorizationCode },
    [authorizationCode],
    componentToken,
  );
  const body = await wechatRequest(ctx.http, req);
  const info = body.authorization_info;
  if (typeof info !== 'object' || info === null) {
    throw invalid(req, 'answer lacks authorization_info');
  }
  const fields = info as Record<string, unknown>;
  return { ...authorizerTokens(req, fields, undefined), funcScopes: funcScopesOf(fields) };
}

/** `api_authorizer_token`: a new authorizer_access_token from the stored refresh token. */
export async function getAuthorizerToken(
  ctx: EndpointContext,
  componentToken: string,
  componentAppId: string,
  authorizerAppId: string,
  refreshToken: string,
): Promise<AuthorizerTokens> {
  const req = post(
    ctx,
    COMPONENT_PATHS.authorizerToken,
    {
      component_appid: componentAppId,
      authorizer_appid: authorizerAppId,
      authorizer_refresh_token: refreshToken,
    },
    [refreshToken],
    componentToken,
  );
  return authorizerTokens(req, await wechatRequest(ctx.http, req), authorizerAppId);
}
