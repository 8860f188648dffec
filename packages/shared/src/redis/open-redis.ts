import type { Logger } from '../logger/create-logger';
import { connectRedis, createRedis, type RedisClient, type RedisProfile } from './create-redis';
import type { RedisTopology } from './redis-topology';
import { watchRedis } from './watch-redis';

/**
 * A process's long-lived connection: created with `profile`, its errors and reconnects logged
 * under `label`, and connected (or rejected after connectRedis' timeout).
 */
export async function openRedis(
  where: RedisTopology,
  profile: RedisProfile,
  name: string,
  options: { logger: Logger; label: string },
): Promise<RedisClient> {
  const redis = createRedis(where, profile, name);
  watchRedis(redis, options.logger, options.label);
  return connectRedis(redis);
}
