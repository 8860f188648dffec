import type { Keyspace } from '@wechat-dispatch/shared';

/**
 * The key of the dead-letter time index (all apps, or one app's), the sorted set
 * {@link DeadLetterStore} pages through. Exported so the API's metrics can count dead letters
 * per app with one ZCARD.
 */
export function deadIndexKey(keyspace: Keyspace, appId?: string): string {
  return appId ? keyspace.key('dead-index', appId) : keyspace.key('dead-index');
}

/** The key of one caller's dead-letter time index (what a non-operator's listing pages). */
export function callerDeadIndexKey(keyspace: Keyspace, caller: string): string {
  return keyspace.key('dead-by-caller', caller);
}

/** The prefix {@link callerDeadIndexKey} appends the caller's name to, for scripts. */
export function callerDeadIndexPrefix(keyspace: Keyspace): string {
  return `${keyspace.key('dead-by-caller')}:`;
}

/** Set once every dead letter of the stack is in its caller's index. */
export function callerIndexReadyKey(keyspace: Keyspace): string {
  return keyspace.key('dead-by-caller-ready');
}
