import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { startPrivateRedis, type PrivateRedis } from '@wechat-dispatch/testkit';
import { checkRedisSafety, UnsafeRedisError } from '../src/redis/check-redis';
import type { Logger } from '../src/logger/create-logger';

/** The warnings the check logs, by message; nothing else of a logger is used. */
function warningsLogger(): { logger: Logger; warnings: string[] } {
  const warnings: string[] = [];
  const logger = { warn: (message: string) => warnings.push(message) } as unknown as Logger;
  return { logger, warnings };
}

describe('checkRedisSafety', () => {
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

  it('when Redis runs noeviction with AOF, then the check passes, reports both settings and warns of nothing', async () => {
    const { logger, warnings } = warningsLogger();

    const result = await checkRedisSafety(redis, logger);

    expect(result).toMatchObject({ maxmemoryPolicy: 'noeviction', appendonly: 'yes' });
    expect(result.version).toMatch(/^\d+\./);
    expect(warnings).toEqual([]);
  });

  it('when Redis runs without AOF, then the check passes with a warning', async () => {
    const { logger, warnings } = warningsLogger();
    await redis.config('SET', 'appendonly', 'no');

    const result = await checkRedisSafety(redis, logger);

    expect(result.appendonly).toBe('no');
    expect(warnings).toEqual([expect.stringContaining('appendonly no')]);
  });

  it('when Redis evicts keys, then the check refuses it', async () => {
    await redis.config('SET', 'maxmemory-policy', 'allkeys-lru');

    const err = await checkRedisSafety(redis, warningsLogger().logger).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(UnsafeRedisError);
    expect(String(err)).toContain('allkeys-lru');
  });
});
