import type { RedisClient } from './create-redis';

const PING_TIMEOUT_MS = 1000;

/** Whether Redis answers PING within a second (a consumer connection would otherwise wait forever). */
export async function redisAnswers(redis: RedisClient): Promise<boolean> {
  if (redis.status !== 'ready') {
    return false;
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS);
  });
  try {
    return await Promise.race([
      redis.ping().then(
        () => true,
        () => false,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
