import type { Keyspace, RedisClient } from '@wechat-dispatch/shared';
import { changeStreamKey } from './change-stream-key';

/**
 * The number of record changes waiting in the change stream: the archiver deletes each entry
 * once its batch is written, so this is what the archive has not caught up with yet (it grows
 * while PostgreSQL is down and is bounded by archive-change.lua).
 */
export function changesWaiting(redis: RedisClient, keyspace: Keyspace): Promise<number> {
  return redis.xlen(changeStreamKey(keyspace));
}
