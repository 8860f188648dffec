import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import request from 'supertest';
import { SEND_QUEUE } from '@wechat-dispatch/core';
import { scanKeys, startPrivateRedis, type PrivateRedis } from '@wechat-dispatch/testkit';
import { BILLING_KEY, ORDERS_KEY, bearer, startTestApi, type TestApi } from './helpers/test-api';
import { templateBody } from './helpers/messages';

interface Accepted {
  id: string;
  status: string;
}

// A record is one key (its history is a field of the hash).
const recordKeys = async (api: TestApi) => scanKeys(api.redis, `${api.keyspace.root}:msg:*`);

const jobsIn = async (api: TestApi) =>
  api.runtime.deps.queues
    .find((q) => q.name === SEND_QUEUE)!
    .getJobCountByTypes('waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed');

describe('Idempotency-Key on POST /v1/messages', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi();
  });

  afterAll(async () => {
    await api.close();
  });

  const post = (key: string, body: unknown, apiKey = ORDERS_KEY, path = '/v1/messages') =>
    request(api.app)
      .post(path)
      .set(bearer(apiKey))
      .set('Idempotency-Key', key)
      .send(body as object);

  it('when the same key and body come again, then the repeat answers 200 with the first id and nothing new is enqueued', async () => {
    const first = await post('key-same-1', templateBody());
    const recordsAfterFirst = await recordKeys(api);
    const jobsAfterFirst = await jobsIn(api);

    const repeat = await post('key-same-1', templateBody());

    expect(first.status).toBe(202);
    expect(repeat.status).toBe(200);
    expect(repeat.headers['idempotent-replayed']).toBe('true');
    expect(repeat.body).toEqual(first.body);
    expect(repeat.headers.location).toBe(`/v1/messages/${(first.body as Accepted).id}`);
    expect(await recordKeys(api)).toEqual(recordsAfterFirst);
    expect(await jobsIn(api)).toBe(jobsAfterFirst);
  });

  it('when the repeat has the same JSON with another key order and spacing, then it is the same request', async () => {
    const body = templateBody();
    const first = await post('key-order-1', body);

    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const repeat = await request(api.app)
      .post('/v1/messages')
      .set(bearer(ORDERS_KEY))
      .set('Idempotency-Key', 'key-order-1')
      .set('content-type', 'application/json')
      .send(JSON.stringify(reordered, null, 2));

    expect(repeat.status).toBe(200);
    expect(repeat.body).toEqual(first.body);
  });

  it('when the same key comes with another body, then it answers 409 idempotency_key_reused and stores nothing', async () => {
    await post('key-other-1', templateBody());
    const keysBefore = await api.storedKeys();

    const res = await post('key-other-1', templateBody({ toUser: 'oSomeoneElse01' }));

    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: { code: 'idempotency_key_reused' } });
    expect(await api.storedKeys()).toEqual(keysBefore);
  });

  it('when the same key is used for a batch after a single message, then it answers 409', async () => {
    await post('key-route-1', templateBody());

    const res = await post(
      'key-route-1',
      { messages: [templateBody()] },
      ORDERS_KEY,
      '/v1/messages/batch',
    );

    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: { code: 'idempotency_key_reused' } });
  });

  it('when two callers use the same key, then each gets a message of its own', async () => {
    const orders = await post('key-shared-1', templateBody());

    const billing = await post('key-shared-1', templateBody(), BILLING_KEY);

    expect(orders.status).toBe(202);
    expect(billing.status).toBe(202);
    expect((billing.body as Accepted).id).not.toBe((orders.body as Accepted).id);
  });

  it('when 50 identical requests with one key arrive at once, then exactly one message is enqueued and all 50 answer its id', async () => {
    const recordsBefore = (await recordKeys(api)).length;
    const jobsBefore = await jobsIn(api);

    const answers = await Promise.all(
      Array.from({ length: 50 }, () => post('key-concurrent-50', templateBody())),
    );

    const statuses = answers.map((a) => a.status).sort();
    const ids = new Set(answers.map((a) => (a.body as Accepted).id));
    console.info(
      `50 concurrent identical requests: ${statuses.filter((s) => s === 202).length}×202, ${statuses.filter((s) => s === 200).length}×200, ${ids.size} distinct id(s)`,
    );
    expect(statuses.filter((s) => s === 202)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(49);
    expect(ids.size).toBe(1);
    expect((await recordKeys(api)).length).toBe(recordsBefore + 1);
    expect(await jobsIn(api)).toBe(jobsBefore + 1);
  });
});

describe('Idempotency-Key when Redis refuses part of the work', () => {
  let redis: PrivateRedis;
  let admin: Redis;
  let api: TestApi;

  /** Lets the API's user write records, keys and counters but not queue keys, or everything. */
  const setQueueAccess = async (allowed: boolean) => {
    const root = api.keyspace.root;
    const keys = allowed
      ? ['~*']
      : [
          `~${root}:msg:*`,
          `~${root}:app-index:*`,
          `~${root}:app:*`,
          `~${root}:idem:*`,
          `~${root}:ratelimit:*`,
        ];
    await admin.call('ACL', 'SETUSER', 'wxdapi', 'resetkeys', ...keys);
  };

  beforeAll(async () => {
    redis = await startPrivateRedis({ appendonly: false });
    admin = new Redis(redis.url);
    await admin.call('ACL', 'SETUSER', 'wxdapi', 'on', '>api-secret-pw', '~*', '&*', '+@all');
    api = await startTestApi({ redisUrl: `redis://wxdapi:api-secret-pw@127.0.0.1:${redis.port}` });
  });

  afterAll(async () => {
    await api?.close();
    admin?.disconnect();
    await redis?.destroy();
  });

  it('when a batch fails after its records went in, then it answers 503, and the retry with the same key reuses the ids and doubles nothing', async () => {
    const batch = {
      messages: Array.from({ length: 5 }, (_, i) => templateBody({ metadata: { n: i } })),
    };
    const send = () =>
      request(api.app)
        .post('/v1/messages/batch')
        .set(bearer(ORDERS_KEY))
        .set('Idempotency-Key', 'batch-retry-1')
        .send(batch);
    await setQueueAccess(false);

    const failed = await send();
    const recordsAfterFailure = await recordKeys(api);
    await setQueueAccess(true);
    const jobsAfterFailure = await jobsIn(api);
    const retried = await send();
    const repeated = await send();

    const ids = (retried.body as { ids: string[] }).ids;
    expect(failed.status).toBe(503);
    expect(failed.body).toMatchObject({ error: { code: 'redis_unavailable' } });
    expect(recordsAfterFailure).toHaveLength(5);
    expect(jobsAfterFailure).toBe(0);
    expect(retried.status).toBe(202);
    expect(recordsAfterFailure.map((k) => k.split(':').pop()).sort()).toEqual([...ids].sort());
    expect(await recordKeys(api)).toEqual(recordsAfterFailure);
    expect(await jobsIn(api)).toBe(5);
    expect(repeated.status).toBe(200);
    expect(repeated.body).toEqual(retried.body);
  });

  it('when a message without a key fails to enqueue, then it answers 503 and leaves no record behind', async () => {
    const recordsBefore = await recordKeys(api);
    await setQueueAccess(false);

    const res = await request(api.app)
      .post('/v1/messages')
      .set(bearer(ORDERS_KEY))
      .send(templateBody());

    const recordsAfter = await recordKeys(api);
    await setQueueAccess(true);
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(recordsAfter).toEqual(recordsBefore);
  });
});
