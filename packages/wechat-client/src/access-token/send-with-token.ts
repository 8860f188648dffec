import { WeChatApiError } from '../errors/wechat-api-error';
import type { AccessTokenProvider } from './access-token-service';

/** What {@link sendWithToken} returns. */
export interface SendWithTokenResult<T> {
  result: T;
  /** True when the first token was rejected and the send was repeated with a new one. */
  tokenRefreshed: boolean;
}

/**
 * Runs one send with the token protocol of CONTRACT §4: get the app's token and call `send`;
 * if WeChat rejects the token (class `token`: 40001, 40014, 41001, 42001), invalidate exactly
 * that token (compare-and-delete, so a peer's newer token survives), get a token again and
 * retry once, at once. A second rejection is thrown: retrying more is how SDKs burn the
 * daily token quota.
 *
 * @throws whatever `tokens.get` or `send` throws; a token-class {@link WeChatApiError} only
 *   when the retry was rejected too.
 */
export async function sendWithToken<T>(
  tokens: AccessTokenProvider,
  appId: string,
  send: (token: string) => Promise<T>,
): Promise<SendWithTokenResult<T>> {
  const token = await tokens.get(appId);
  try {
    return { result: await send(token), tokenRefreshed: false };
  } catch (err: unknown) {
    if (!(err instanceof WeChatApiError) || err.errorClass !== 'token') {
      throw err;
    }
    await tokens.invalidate(appId, token);
    const fresh = await tokens.get(appId);
    return { result: await send(fresh), tokenRefreshed: true };
  }
}
