import { WeChatApiError } from './wechat-api-error';
import { WeChatTransportError } from './wechat-transport-error';

/** True for the two error types this package throws for a WeChat call. */
export function isWeChatError(e: unknown): e is WeChatApiError | WeChatTransportError {
  return e instanceof WeChatApiError || e instanceof WeChatTransportError;
}
