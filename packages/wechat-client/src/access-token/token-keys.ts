import type { Keyspace } from '@wechat-dispatch/shared';
import type { TokenGrant, TokenMode } from './access-token-options';

/** The Redis keys of one app's token in one mode; all share the keyspace's hash tag. */
export interface TokenKeys {
  /** Hash `{token, expiresIn, fetchedAt}` with PX at the token's real expiry. */
  readonly token: string;
  /** `SET NX PX` lock held by the one process fetching; value is a random owner id. */
  readonly lock: string;
  /** Short-lived cached token-endpoint error (negative cache), JSON. */
  readonly error: string;
}

/**
 * Keys for an app: `{prefix}:token:<mode>:<appId>`, `…:lock`, `…:error`. Namespaced by mode
 * because classic and stable tokens are separate tokens at WeChat.
 */
export function tokenKeys(
  keyspace: Keyspace,
  mode: TokenMode | TokenGrant['family'],
  appId: string,
): TokenKeys {
  const token = keyspace.key('token', mode, appId);
  return { token, lock: `${token}:lock`, error: `${token}:error` };
}
