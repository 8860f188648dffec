import type { Keyspace } from '@wechat-dispatch/shared';

/**
 * The Redis stream of record changes the archiver reads (#20): the record scripts append one
 * entry (the record's key) per creation and status change when the stores are built with
 * `archiveChanges` (includes/archive-change.lua).
 */
export function changeStreamKey(keyspace: Keyspace): string {
  return keyspace.key('archive-changes');
}
