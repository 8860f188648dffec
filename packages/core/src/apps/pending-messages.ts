import type { Keyspace, RedisClient } from '@wechat-dispatch/shared';
import { appKeys } from './app-keys';

/**
 * How many messages of an app are not final yet: its backlog's pending count (kept by the
 * record scripts, see apps/includes/app-backlog.lua); absent = 0.
 */
export async function pendingMessagesOf(
  redis: RedisClient,
  keyspace: Keyspace,
  appId: string,
): Promise<number> {
  const raw = await redis.get(appKeys(keyspace, appId).pending);
  const count = raw === null ? 0 : Number(raw);
  return Number.isFinite(count) && count > 0 ? count : 0;
}
