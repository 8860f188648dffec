import { Cluster, type Redis } from 'ioredis';
import type { RedisClient } from './create-redis';
import type { Logger } from '../logger/create-logger';

/** Redis runs with a setting that loses queued jobs. */
export class UnsafeRedisError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeRedisError';
  }
}

/** What the start-up check found. */
export interface RedisCheckResult {
  maxmemoryPolicy?: string;
  appendonly?: string;
  version?: string;
}

async function configValue(redis: Redis, key: string): Promise<string | undefined> {
  const reply = (await redis.config('GET', key)) as string[];
  return reply[1];
}

/**
 * The start-up check every process runs: `maxmemory-policy` other than `noeviction` is refused
 * (an evicting Redis silently deletes job hashes and locks), `appendonly no` is a warning (a
 * Redis restart would lose what the API acknowledged). Managed Redis that forbids CONFIG gets a
 * warning instead.
 * @throws UnsafeRedisError when the eviction policy is not noeviction
 */
export async function checkRedisSafety(
  redis: RedisClient,
  logger: Logger,
): Promise<RedisCheckResult> {
  // In a cluster every primary holds queues and must be safe; read each one.
  const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
  let result: RedisCheckResult = {};
  for (const node of nodes) {
    result = await checkNode(node, logger);
  }
  return result;
}

async function checkNode(redis: Redis, logger: Logger): Promise<RedisCheckResult> {
  const info = await redis.info('server');
  const version = /redis_version:([^\r\n]+)/.exec(info)?.[1];
  const node = `${redis.options.host ?? ''}:${redis.options.port ?? ''}`;
  let maxmemoryPolicy: string | undefined;
  let appendonly: string | undefined;
  try {
    maxmemoryPolicy = await configValue(redis, 'maxmemory-policy');
    appendonly = await configValue(redis, 'appendonly');
  } catch (err) {
    logger.warn('cannot read Redis config; make sure maxmemory-policy is noeviction', {
      node,
      err,
    });
    return { version };
  }
  if (maxmemoryPolicy !== undefined && maxmemoryPolicy !== 'noeviction') {
    throw new UnsafeRedisError(
      `Redis maxmemory-policy is ${maxmemoryPolicy} on ${node}; wechat-dispatch requires noeviction (an evicting Redis loses queued messages)`,
    );
  }
  if (appendonly === 'no') {
    logger.warn('Redis runs with appendonly no: a Redis restart loses accepted messages', {
      node,
      redisVersion: version,
    });
  }
  return { maxmemoryPolicy, appendonly, version };
}
