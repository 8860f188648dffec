import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { TEST_REDIS_URL, freePort, startProcess, uniquePrefix } from '@wechat-dispatch/testkit';

describe('SEND_SHARDS at start (#16)', () => {
  const prefix = uniquePrefix('shstart');
  let redis: Redis;

  beforeAll(async () => {
    redis = new Redis(TEST_REDIS_URL);
    // What the first start of a 3-shard stack left behind.
    await redis.set(`{${prefix}}:config:send-shards`, '3');
  });

  afterAll(async () => {
    await redis.del(`{${prefix}}:config:send-shards`);
    await redis.quit();
  });

  it('when the worker and the API start with another count than the recorded one, then each exits non-zero with one line naming SEND_SHARDS', async () => {
    const common = { REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, SEND_SHARDS: '2' };
    const worker = startProcess('worker', {
      ...common,
      WECHAT_APPS: 'wxshardstart00001:secret-0001',
      WORKER_HTTP_PORT: '0',
    });
    const api = startProcess('api', {
      ...common,
      WECHAT_APPS: 'wxshardstart00001:secret-0001',
      PORT: String(await freePort()),
      API_KEYS: 'tests:shard-start-key-000001',
    });

    const codes = await Promise.all([worker.exited, api.exited]);

    expect(codes).toEqual([1, 1]);
    for (const [name, proc] of [
      ['worker', worker],
      ['api', api],
    ] as const) {
      expect(proc.stderr.join('\n')).toContain(
        `${name} failed to start: SEND_SHARDS=2 differs from 3, the shard count this Redis was started with`,
      );
    }
    expect(await redis.get(`{${prefix}}:config:send-shards`)).toBe('3');
  });
});
