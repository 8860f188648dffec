import type { Keyspace } from '@wechat-dispatch/shared';

/**
 * The key of the dead-letter time index (all apps, or one app's), the sorted set
 * {@link DeadLetterStore} pages through. Exported so the API's metrics can count dead letters
 * per app with one ZCARD.
 */
export function deadIndexKey(keyspace: Keyspace, appId?: string): string {
  return appId ? keyspace.key('dead-index', appId) : keyspace.key('dead-index');
}
