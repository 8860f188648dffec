import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import {
  scanKeys,
  startPrivateRedis,
  uniquePrefix,
  type PrivateRedis,
} from '@wechat-dispatch/testkit';
import { postJson, startApiProcess, type ApiProcess } from './helpers/processes';
import { templateBody } from './helpers/messages';

const APP_ID = 'wxredisfull000001';
const API_KEY = 'redis-full-key-0001';
const auth = { authorization: `Bearer ${API_KEY}` };

/**
 * Issue #17 item 7: a Redis at `maxmemory` (noeviction) refuses writes with OOM. The API must
 * answer 503 with Retry-After (never 500, never a half-written message) and accept again by
 * itself once memory is freed.
 */
describe('the api process with Redis at maxmemory (issue #17, item 7)', () => {
  let redis: PrivateRedis;
  let client: Redis;
  let api: ApiProcess;
  const prefix = uniquePrefix('full');

  beforeAll(async () => {
    redis = await startPrivateRedis({ appendonly: false });
    client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    api = await startApiProcess({
      REDIS_URL: redis.url,
      QUEUE_PREFIX: prefix,
      WECHAT_APPS: `${APP_ID}:redis-full-secret-1`,
      API_KEYS: `orders:${API_KEY}`,
    });
  });

  afterAll(async () => {
    await api?.process.stop();
    await client?.quit();
    await redis?.destroy();
  });

  it('when Redis is full, then every POST is 503 with Retry-After and nothing is stored, and once memory is freed it answers 202 again', async () => {
    const before = await postJson(`${api.url}/v1/messages`, templateBody(), auth);
    const used = Number(/used_memory:(\d+)/.exec(await client.info('memory'))![1]);
    await client.config('SET', 'maxmemory', String(used + 4 * 1024 * 1024));
    // Ballast until Redis refuses a write: from then on it refuses every write.
    const ballast: string[] = [];
    for (let full = false; !full;) {
      const key = `ballast:${ballast.length}`;
      full = await client.set(key, 'x'.repeat(256 * 1024)).then(
        () => false,
        (err: Error) => /OOM/.test(err.message),
      );
      ballast.push(key);
    }
    // The refused value's own buffer is freed with the refusal: pin the limit below the use.
    const full = Number(/used_memory:(\d+)/.exec(await client.info('memory'))![1]);
    await client.config('SET', 'maxmemory', String(full - 1024 * 1024));
    const keysWhenFull = await scanKeys(client, `${prefix}*`);

    const plain = await postJson(`${api.url}/v1/messages`, templateBody(), auth);
    const keyed = await postJson(`${api.url}/v1/messages`, templateBody(), {
      ...auth,
      'idempotency-key': 'full-1',
    });
    const batch = await postJson(
      `${api.url}/v1/messages/batch`,
      { messages: [templateBody(), templateBody()] },
      auth,
    );
    const keysAfter = await scanKeys(client, `${prefix}*`);
    await client.del(...ballast);
    const again = await postJson(`${api.url}/v1/messages`, templateBody(), auth);

    expect(before.status).toBe(202);
    for (const answer of [plain, keyed, batch]) {
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(answer.body).toMatchObject({ error: { code: 'redis_unavailable' } });
    }
    expect(keysAfter).toEqual(keysWhenFull);
    expect(again.status).toBe(202);
  });
});
