import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { startPrivateRedis, type PrivateRedis } from '@wechat-dispatch/testkit';
import { checkRedisSafety, UnsafeRedisError } from '../src/redis/check-redis';
import { createLogger } from '../src/logger/create-logger';

describe('checkRedisSafety', () => {
  const logger = createLogger({ service: 'test', silent: true });
  let server: PrivateRedis;
  let redis: Redis;

  beforeAll(async () => {
    server = await startPrivateRedis();
    redis = new Redis(server.url);
  });

  afterAll(async () => {
    await redis.quit();
    await server.destroy();
  });

  it('when Redis runs noeviction with AOF, then the check passes and reports both settings', async () => {
    const result = await checkRedisSafety(redis, logger);

    expect(result).toMatchObject({ maxmemoryPolicy: 'noeviction', appendonly: 'yes' });
    expect(result.version).toMatch(/^\d+\./);
  });

  it('when Redis evicts keys, then the check refuses it', async () => {
    await redis.config('SET', 'maxmemory-policy', 'allkeys-lru');

    const err = await checkRedisSafety(redis, logger).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(UnsafeRedisError);
    expect(String(err)).toContain('allkeys-lru');
  });
});
