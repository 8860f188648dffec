import { WeChatTransportError } from '../errors/wechat-transport-error';
import { wechatRequest, type WeChatRequest } from '../http/wechat-request';
import type { EndpointContext } from './endpoint-context';

/** `api_get_authorizer_info`'s path. */
export const AUTHORIZER_INFO_PATH = '/cgi-bin/component/api_get_authorizer_info';

/** What the platform learns of an authorizer from `api_get_authorizer_info`. */
export interface AuthorizerInfo {
  authorizerAppId: string;
  /** A mini program's answer carries `MiniProgramInfo`; an official account's does not. */
  kind: 'official_account' | 'mini_program';
  /** The permission sets (权限集 ids of `func_info`) the merchant granted. */
  funcScopes: number[];
}

/** The ids of `func_info: [{ funcscope_category: { id } }]`; malformed entries are skipped. */
export function funcScopesOf(info: Record<string, unknown>): number[] {
  const list = Array.isArray(info.func_info) ? (info.func_info as unknown[]) : [];
  return list.flatMap((entry) => {
    const category = (entry as { funcscope_category?: { id?: unknown } } | null)
      ?.funcscope_category;
    return typeof category?.id === 'number' ? [category.id] : [];
  });
}

/** `api_get_authorizer_info`: the authorizer's kind and its granted permission sets. */
export async function getAuthorizerInfo(
  ctx: EndpointContext,
  componentToken: string,
  componentAppId: string,
  authorizerAppId: string,
): Promise<AuthorizerInfo> {
  const req: WeChatRequest = {
    method: 'POST',
    path: AUTHORIZER_INFO_PATH,
    params: { component_access_token: componentToken },
    body: { component_appid: componentAppId, authorizer_appid: authorizerAppId },
    endpointKind: 'token',
    secrets: [componentToken],
    timeoutMs: ctx.timeoutMs,
  };
  const body = await wechatRequest(ctx.http, req);
  const account = body.authorizer_info;
  const authorization = body.authorization_info;
  if (typeof account !== 'object' || account === null) {
    throw new WeChatTransportError({
      kind: 'invalid_body',
      endpoint: req.path,
      method: req.method,
      detail: 'answer lacks authorizer_info',
    });
  }
  const miniProgram = 'MiniProgramInfo' in account;
  return {
    authorizerAppId,
    kind: miniProgram ? 'mini_program' : 'official_account',
    funcScopes:
      typeof authorization === 'object' && authorization !== null
        ? funcScopesOf(authorization as Record<string, unknown>)
        : [],
  };
}
