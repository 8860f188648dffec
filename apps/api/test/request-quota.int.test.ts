import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Keyspace, connectRedis, createRedis, type RedisClient } from '@wechat-dispatch/shared';
import { TEST_REDIS_URL, startPrivateRedis, uniquePrefix } from '@wechat-dispatch/testkit';
import { RequestQuota, leaseSizeFor } from '../src/domain/request-quota';
import { redisQuotaLease } from '../src/infra/redis-quota-lease';

describe('per-caller quota leased from Redis', () => {
  const keyspace = new Keyspace(uniquePrefix('quota'));
  let redis: RedisClient;

  beforeAll(async () => {
    redis = await connectRedis(createRedis(TEST_REDIS_URL, 'producer', 'wxd-quota-test'));
  });

  afterAll(async () => {
    const keys = await redis.keys(`${keyspace.root}:*`);
    if (keys.length > 0) {
      await redis.del(...keys);
    }
    redis.disconnect();
  });

  it('when three replicas spend one caller’s requests concurrently, then Redis never grants more than the limit and the window expires', async () => {
    const perMinute = 2400;
    const replicas = Array.from(
      { length: 3 },
      () => new RequestQuota({ perMinute, lease: redisQuotaLease({ redis, keyspace, perMinute }) }),
    );
    const decisions = await Promise.all(
      replicas.flatMap((quota) =>
        Array.from({ length: 1000 }, () => Promise.resolve(quota.take('orders'))),
      ),
    );
    const allowed = decisions.filter((d) => d.allowed).length;
    const counted = Number(await redis.get(keyspace.key('ratelimit', 'orders')));
    const ttl = await redis.pttl(keyspace.key('ratelimit', 'orders'));

    expect(allowed).toBeLessThanOrEqual(perMinute);
    expect(allowed).toBeGreaterThanOrEqual(perMinute - 3 * (leaseSizeFor(perMinute) - 1));
    expect(counted).toBe(perMinute);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    expect(decisions.filter((d) => !d.allowed).every((d) => d.resetSeconds >= 1)).toBe(true);
  });

  it('when Redis does not answer, then taking fails with 503 instead of letting the request through', async () => {
    const privateRedis = await startPrivateRedis();
    const client = await connectRedis(createRedis(privateRedis.url, 'producer', 'wxd-quota-down'));
    try {
      const quota = new RequestQuota({
        perMinute: 10,
        lease: redisQuotaLease({ redis: client, keyspace, perMinute: 10 }),
      });
      await expect(quota.take('orders')).resolves.toMatchObject({ allowed: true });
      await privateRedis.stop();
      await expect(Promise.resolve(quota.take('orders'))).rejects.toMatchObject({
        httpStatus: 503,
      });
    } finally {
      client.disconnect();
    }
  });
});
