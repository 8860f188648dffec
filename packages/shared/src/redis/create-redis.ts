import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { RedisTopology } from './redis-topology';

/** A connection to any supported topology; ioredis gives both the same command API. */
export type RedisClient = Redis | Cluster;

/**
 * How a connection behaves while Redis is away.
 * - `producer`: commands fail at once (`enableOfflineQueue: false`), so the API answers 503
 *   instead of hanging; BullMQ's documented profile for a Queue that must fail fast.
 * - `consumer`: commands wait for reconnection forever (`maxRetriesPerRequest: null`), as
 *   BullMQ requires for Workers.
 * - `client`: ioredis defaults with a short per-command retry budget, for caches.
 *
 * None uses ioredis' auto-pipelining (`enableAutoPipelining`): measured, it made the API's
 * enqueue and the worker's drain slower than one socket write per command (docs/benchmarks.md,
 * "Design figures: Redis connections, logger and WeChat HTTP transport"). Commands issued back
 * to back without awaiting each other still share one round trip and run in the order issued.
 */
export type RedisProfile = 'producer' | 'consumer' | 'client';

/**
 * The Cluster client's own retries for a producer: none. By default ioredis retries a command
 * whose slot owner is gone (closed connection, CLUSTERDOWN) after a delay, up to
 * `maxRedirections` times, which turned a 503 into seconds of waiting; a producer answers at
 * once and its caller retries (Retry-After). MOVED and ASK are still followed at once.
 */
const PRODUCER_CLUSTER_OPTIONS: ClusterOptions = {
  retryDelayOnFailover: 0,
  retryDelayOnClusterDown: 0,
};

const PROFILES: Record<RedisProfile, RedisOptions> = {
  producer: { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000 },
  consumer: { maxRetriesPerRequest: null, enableReadyCheck: true },
  client: { maxRetriesPerRequest: 2, connectTimeout: 5000 },
};

/** Reconnect every 100 ms growing to 2 s: a restarted Redis is found again within seconds. */
function retryStrategy(times: number): number {
  return Math.min(100 * times, 2000);
}

/**
 * A new connection with the given profile to a URL or a {@link RedisTopology};
 * `lazyConnect` so nothing connects at import or construction.
 */
export function createRedis(url: string, profile: RedisProfile, name?: string): Redis;
export function createRedis(
  where: RedisTopology,
  profile: RedisProfile,
  name?: string,
): RedisClient;
export function createRedis(
  where: string | RedisTopology,
  profile: RedisProfile,
  name?: string,
): RedisClient {
  const topology: RedisTopology =
    typeof where === 'string' ? { kind: 'single', url: where } : where;
  const base: RedisOptions = {
    ...PROFILES[profile],
    retryStrategy,
    lazyConnect: true,
    connectionName: name,
  };
  switch (topology.kind) {
    case 'single':
      return new Redis(topology.url, base);
    case 'sentinel':
      return new Redis({
        ...base,
        sentinels: topology.sentinels,
        name: topology.name,
        password: topology.password,
        sentinelPassword: topology.sentinelPassword,
        tls: topology.tls ? {} : undefined,
        sentinelRetryStrategy: retryStrategy,
      });
    case 'cluster':
      return new Cluster(topology.nodes, {
        lazyConnect: true,
        enableOfflineQueue: profile !== 'producer',
        enableReadyCheck: true,
        clusterRetryStrategy: retryStrategy,
        ...(profile === 'producer' ? PRODUCER_CLUSTER_OPTIONS : {}),
        redisOptions: {
          ...PROFILES[profile],
          connectionName: name,
          password: topology.password,
          tls: topology.tls ? {} : undefined,
        },
      });
  }
}

/**
 * Connects (if not yet) and waits until the connection is ready, riding out a Redis that is
 * still starting.
 * @throws Error when Redis is not ready within `timeoutMs`
 */
export async function connectRedis<T extends RedisClient>(redis: T, timeoutMs = 15000): Promise<T> {
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
    // Failures here are retried by the retry strategy; the timeout above decides when to give up.
    redis.connect().catch(() => undefined);
  }
  await ready;
  return redis;
}

/** Closes a connection without throwing if it is already gone. */
export async function closeRedis(redis: RedisClient): Promise<void> {
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}
