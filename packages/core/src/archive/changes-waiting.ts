import type { Keyspace, RedisClient } from '@wechat-dispatch/shared';
import { changeStreamKey } from './change-stream-key';

/**
 * The number of record changes waiting in the change stream: the archiver deletes each entry
 * once its batch is written, so this is what the archive has not caught up with yet (it grows
 * while PostgreSQL is down and is bounded by archive-change.lua).
 */
export function changesWaiting(
  redis: RedisClient,
  keyspaces: Keyspace | readonly Keyspace[],
): Promise<number> {
  // One change stream per send shard (#16): the total is what the archivers have left.
  const all: readonly Keyspace[] = Array.isArray(keyspaces) ? keyspaces : [keyspaces];
  return Promise.all(all.map((keyspace) => redis.xlen(changeStreamKey(keyspace)))).then((counts) =>
    counts.reduce((sum, n) => sum + n, 0),
  );
}
