import type { ErrcodeClass } from '../errors/errcode-catalogue';
import { WeChatApiError } from '../errors/wechat-api-error';
import { WeChatTransportError, type TransportErrorKind } from '../errors/wechat-transport-error';
import type { CachedTokenError } from './token-store';

const CLASSES: readonly string[] = [
  'token',
  'transient',
  'rate_minute',
  'rate_daily',
  'config',
  'permanent',
] satisfies ErrcodeClass[];
const KINDS: readonly string[] = [
  'timeout',
  'http_status',
  'connection',
  'invalid_body',
] satisfies TransportErrorKind[];

/** `get()` was asked for an app that is not in the service's `apps`. A bug or a bad payload. */
export class UnknownAppError extends Error {
  constructor(readonly appId: string) {
    super(`No WeChat credentials configured for app ${appId}`);
    this.name = new.target.name;
  }
}

/** What a token-endpoint failure is remembered as in the negative cache. */
export function toCachedError(
  err: WeChatApiError | WeChatTransportError,
  fp: string,
): CachedTokenError {
  return {
    errcode: err.errcode,
    errmsg: err.errmsg,
    errorClass: err.errorClass,
    kind: err instanceof WeChatTransportError ? err.kind : undefined,
    at: Date.now(),
    fp,
  };
}

/** Rebuilds the error a peer (or this process) cached, so callers see the same class. */
export function replayCachedError(
  entry: CachedTokenError,
  endpoint: string,
  method: string,
): WeChatApiError | WeChatTransportError {
  if (entry.kind !== undefined && KINDS.includes(entry.kind)) {
    return new WeChatTransportError({
      kind: entry.kind as TransportErrorKind,
      endpoint,
      method,
      detail: `token endpoint failed moments ago (cached: ${entry.errmsg})`,
    });
  }
  return new WeChatApiError({
    errcode: entry.errcode,
    errmsg: entry.errmsg,
    endpointKind: 'token',
    endpoint,
    method,
    errorClass: CLASSES.includes(entry.errorClass) ? (entry.errorClass as ErrcodeClass) : undefined,
  });
}

/** Callers waited `waitTimeoutMs` for a peer's fetch in vain; transient, retry later. */
export function tokenWaitTimeout(
  endpoint: string,
  method: string,
  waitMs: number,
): WeChatTransportError {
  return new WeChatTransportError({
    kind: 'timeout',
    endpoint,
    method,
    detail: `no access token from the fetching process within ${waitMs} ms`,
  });
}
