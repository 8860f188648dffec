import { Redis, type RedisOptions } from 'ioredis';

/**
 * How a connection behaves while Redis is away.
 * - `producer`: commands fail at once (`enableOfflineQueue: false`), so the API answers 503
 *   instead of hanging; BullMQ's documented profile for a Queue that must fail fast.
 * - `consumer`: commands wait for reconnection forever (`maxRetriesPerRequest: null`), as
 *   BullMQ requires for Workers.
 * - `client`: ioredis defaults with a short per-command retry budget, for caches and records
 *   read inside jobs.
 */
export type RedisProfile = 'producer' | 'consumer' | 'client';

const PROFILES: Record<RedisProfile, RedisOptions> = {
  producer: { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000 },
  consumer: { maxRetriesPerRequest: null, enableReadyCheck: true },
  client: { maxRetriesPerRequest: 2, connectTimeout: 5000 },
};

/** Reconnect every 100 ms growing to 2 s: a restarted Redis is found again within seconds. */
function retryStrategy(times: number): number {
  return Math.min(100 * times, 2000);
}

/** A new ioredis connection with the given profile; `lazyConnect` so nothing connects at import. */
export function createRedis(url: string, profile: RedisProfile, name?: string): Redis {
  return new Redis(url, {
    ...PROFILES[profile],
    retryStrategy,
    lazyConnect: true,
    connectionName: name,
  });
}

/**
 * Connects (if not yet) and waits until the connection is ready, riding out a Redis that is
 * still starting.
 * @throws Error when Redis is not ready within `timeoutMs`
 */
export async function connectRedis(redis: Redis, timeoutMs = 15000): Promise<Redis> {
  if (redis.status === 'ready') {
    return redis;
  }
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`Redis did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
  if (redis.status === 'wait') {
    // Failures here are retried by retryStrategy; the timeout above decides when to give up.
    redis.connect().catch(() => undefined);
  }
  await ready;
  return redis;
}

/** Closes a connection without throwing if it is already gone. */
export async function closeRedis(redis: Redis): Promise<void> {
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}
