import type { Keyspace } from '@wechat-dispatch/shared';

/** The Redis keys of the Open Platform components (third-party platforms). */
export interface ComponentKeys {
  /** Hash: componentAppId → the component's stored JSON (secrets sealed). */
  readonly components: string;
  /** String: the newest `component_verify_ticket` JSON `{ ticket, createTime }`, EX 12 h. */
  ticket(componentAppId: string): string;
  /** Hash: authorizerAppId → its sealed `authorizer_refresh_token`. */
  refreshTokens(componentAppId: string): string;
  /** String: an authorization code being (or already) exchanged, so it is exchanged once. */
  authCode(componentAppId: string, codeDigest: string): string;
}

/** `{prefix}:components`, `{prefix}:component:<id>:ticket`, `…:refresh`, `…:code:<digest>`. */
export function componentKeys(keyspace: Keyspace): ComponentKeys {
  return {
    components: keyspace.key('components'),
    ticket: (id) => keyspace.key('component', id, 'ticket'),
    refreshTokens: (id) => keyspace.key('component', id, 'refresh'),
    authCode: (id, digest) => keyspace.key('component', id, 'code', digest),
  };
}
