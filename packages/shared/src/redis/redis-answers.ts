import { withTimeout } from '../async/with-timeout';
import type { RedisClient } from './create-redis';

const PING_TIMEOUT_MS = 1000;

/** Whether Redis answers PING within a second (a consumer connection would otherwise wait forever). */
export async function redisAnswers(redis: RedisClient): Promise<boolean> {
  if (redis.status !== 'ready') {
    return false;
  }
  return withTimeout(redis.ping(), PING_TIMEOUT_MS).then(
    () => true,
    () => false,
  );
}
