import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type { Queue } from 'bullmq';
import { scanKeys } from '@wechat-dispatch/testkit';
import { RecordStore, SEND_QUEUE, type SendJob } from '@wechat-dispatch/core';
import {
  APP_ID,
  ORDERS_KEY,
  OTHER_APP_ID,
  bearer,
  startTestApi,
  type TestApi,
} from './helpers/test-api';
import { subscribeBody, templateBody } from './helpers/messages';

describe('POST /v1/messages/batch', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi({ appIds: [APP_ID, OTHER_APP_ID] });
  });

  afterAll(async () => {
    await api.close();
  });

  // Every app's jobs are on the one send queue, each with its place in its app's backlog as its
  // priority: BullMQ lists them as prioritized, not waiting.
  const sendQueue = () =>
    api.runtime.deps.queues.find((q) => q.name === SEND_QUEUE)! as Queue<SendJob>;

  it('when 1000 valid messages are posted, then it answers 202 with 1000 ids in order, each with its record and job', async () => {
    const messages = Array.from({ length: 1000 }, (_, i) =>
      templateBody({ appId: APP_ID, toUser: `oBatchUser${String(i).padStart(5, '0')}` }),
    );

    const started = performance.now();
    const res = await request(api.app)
      .post('/v1/messages/batch')
      .set(bearer(ORDERS_KEY))
      .set('X-Request-Id', 'trace-batch-1000')
      .send({ messages });
    const elapsedMs = performance.now() - started;

    const { ids } = res.body as { ids: string[] };
    const records = new RecordStore({ redis: api.redis, keyspace: api.keyspace });
    const sample = await Promise.all([0, 499, 999].map((i) => records.get(ids[i]!)));
    const job = await sendQueue().getJob(ids[999]!);
    console.info(`batch of 1000 accepted in ${Math.round(elapsedMs)} ms (supertest, in-process)`);
    expect(res.status).toBe(202);
    expect(ids).toHaveLength(1000);
    expect(new Set(ids).size).toBe(1000);
    expect(sample.map((r) => r?.toUser)).toEqual([
      'oBatchUser00000',
      'oBatchUser00499',
      'oBatchUser00999',
    ]);
    expect(sample.every((r) => r?.status === 'queued' && r.caller === 'orders')).toBe(true);
    expect(job?.data).toEqual({ messageId: ids[999], appId: APP_ID, traceId: 'trace-batch-1000' });
    expect(await sendQueue().getPrioritizedCount()).toBe(1000);
  });

  it('when a batch mixes apps, types and a schedule, then each job names its app, has its place in its app’s backlog as priority, and each record its own status', async () => {
    const sendAt = new Date(Date.now() + 3_600_000).toISOString();
    const waitingBefore = await sendQueue().getPrioritizedCount();

    const res = await request(api.app)
      .post('/v1/messages/batch')
      .set(bearer(ORDERS_KEY))
      .send({
        messages: [
          templateBody({ appId: APP_ID }),
          subscribeBody({ appId: OTHER_APP_ID }),
          subscribeBody({ appId: OTHER_APP_ID, sendAt }),
        ],
      });

    const { ids } = res.body as { ids: string[] };
    const records = new RecordStore({ redis: api.redis, keyspace: api.keyspace });
    expect(res.status).toBe(202);
    const [first, second] = await Promise.all([0, 1].map((i) => sendQueue().getJob(ids[i]!)));
    expect(await sendQueue().getPrioritizedCount()).toBe(waitingBefore + 2);
    expect(await second?.getState()).toBe('prioritized');
    expect(second?.data.appId).toBe(OTHER_APP_ID);
    // The other app had nothing queued; the first app has the 1000 of the test before.
    expect(second?.priority).toBe(1);
    expect(first?.priority).toBe(1001);
    expect(await (await sendQueue().getJob(ids[2]!))?.getState()).toBe('delayed');
    expect((await records.get(ids[2]!))?.status).toBe('scheduled');
  });

  it('when one of 1000 messages is invalid, then it answers 400 naming it and nothing is stored', async () => {
    const messages = Array.from({ length: 1000 }, () => templateBody({ appId: APP_ID }));
    messages[637] = subscribeBody({ appId: APP_ID, data: { thing1: 'x'.repeat(21) } });
    const keysBefore = await scanKeys(api.redis, `${api.keyspace.root}:msg:*`);

    const res = await request(api.app)
      .post('/v1/messages/batch')
      .set(bearer(ORDERS_KEY))
      .send({ messages });

    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: { code: 'validation_failed', details: [{ path: 'messages[637].data.thing1' }] },
    });
    expect(await scanKeys(api.redis, `${api.keyspace.root}:msg:*`)).toEqual(keysBefore);
  });

  it('when several apps are configured and an item names none, then it answers 400 naming messages[i].appId', async () => {
    const res = await request(api.app)
      .post('/v1/messages/batch')
      .set(bearer(ORDERS_KEY))
      .send({ messages: [templateBody({ appId: APP_ID }), templateBody()] });

    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { details: [{ path: 'messages[1].appId' }] } });
  });
});
