import type { Keyspace } from '@wechat-dispatch/shared';

/** The Redis keys of the app registry; all share the keyspace's hash tag. */
export interface RegistryKeys {
  /** Hash: appId → the app's stored JSON (secrets sealed). */
  readonly apps: string;
  /** Counter bumped by every write. */
  readonly version: string;
  /** Sorted set: appId by the version of its last write (deletes included). */
  readonly changes: string;
  /** Sorted set of appIds, all scored 0, for paging in appId order. */
  readonly index: string;
  /** Set: appIds `WECHAT_APPS` has seeded once, so a deleted app is not seeded again. */
  readonly seeded: string;
}

/** `{prefix}:apps`, `…:version`, `…:changes`, `…:index`, `…:seeded`. */
export function registryKeys(keyspace: Keyspace): RegistryKeys {
  const apps = keyspace.key('apps');
  return {
    apps,
    version: `${apps}:version`,
    changes: `${apps}:changes`,
    index: `${apps}:index`,
    seeded: `${apps}:seeded`,
  };
}
