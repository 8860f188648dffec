import type { Keyspace, RedisClient } from '@wechat-dispatch/shared';
import { pendingCounterKey } from './registry-keys';

/**
 * How many messages are waiting for an app: the counter at `{prefix}:app:<appId>:pending`,
 * which the worker keeps; absent = 0.
 */
export async function pendingMessagesOf(
  redis: RedisClient,
  keyspace: Keyspace,
  appId: string,
): Promise<number> {
  const raw = await redis.get(pendingCounterKey(keyspace, appId));
  const count = raw === null ? 0 : Number(raw);
  return Number.isFinite(count) && count > 0 ? count : 0;
}
