import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { RecordStore, SEND_QUEUE } from '@wechat-dispatch/core';
import {
  APP_ID,
  BILLING_KEY,
  OPS_KEY,
  ORDERS_KEY,
  bearer,
  startTestApi,
  type TestApi,
} from './helpers/test-api';
import { subscribeBody, templateBody } from './helpers/messages';

interface Accepted {
  id: string;
  status: string;
}

describe('POST /v1/messages', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi();
  });

  afterAll(async () => {
    await api.close();
  });

  it('when a valid message is posted, then it answers 202 with its id and Location, and the record and the job are in Redis', async () => {
    const res = await request(api.app)
      .post('/v1/messages')
      .set(bearer(ORDERS_KEY))
      .set('X-Request-Id', 'trace-accept-1')
      .send(templateBody());

    const accepted = res.body as Accepted;
    const job = await api.runtime.deps.queues
      .find((q) => q.name === SEND_QUEUE)!
      .getJob(accepted.id);
    const record = await new RecordStore({ redis: api.redis, keyspace: api.keyspace }).load(
      accepted.id,
    );
    expect(res.status).toBe(202);
    expect(accepted.status).toBe('queued');
    expect(res.headers.location).toBe(`/v1/messages/${accepted.id}`);
    expect(res.headers['x-request-id']).toBe('trace-accept-1');
    expect(job?.data).toEqual({ messageId: accepted.id, appId: APP_ID, traceId: 'trace-accept-1' });
    expect(record?.record).toMatchObject({
      id: accepted.id,
      status: 'queued',
      caller: 'orders',
      appId: APP_ID,
      traceId: 'trace-accept-1',
    });
    expect(record?.message.data).toEqual({
      thing1: { value: '订单已发货' },
      time2: { value: '2026-11-26 10:00' },
    });
  });

  it('when a message has a sendAt in the future, then it is scheduled as a delayed job', async () => {
    const sendAt = new Date(Date.now() + 3_600_000).toISOString();

    const res = await request(api.app)
      .post('/v1/messages')
      .set(bearer(ORDERS_KEY))
      .send(subscribeBody({ sendAt }));

    const accepted = res.body as Accepted;
    const queue = api.runtime.deps.queues.find((q) => q.name === SEND_QUEUE)!;
    const job = await queue.getJob(accepted.id);
    expect(res.status).toBe(202);
    expect(accepted.status).toBe('scheduled');
    expect(await job?.getState()).toBe('delayed');
    expect(job!.opts.delay).toBeGreaterThan(3_500_000);
  });

  it('when a message has a sendAt in the past, then it is queued for now', async () => {
    const res = await request(api.app)
      .post('/v1/messages')
      .set(bearer(ORDERS_KEY))
      .send(templateBody({ sendAt: '2020-01-01T00:00:00Z' }));

    expect(res.status).toBe(202);
    expect((res.body as Accepted).status).toBe('queued');
  });
});

describe('GET /v1/messages/:id', () => {
  let api: TestApi;
  let id: string;

  beforeAll(async () => {
    api = await startTestApi();
    const res = await request(api.app)
      .post('/v1/messages')
      .set(bearer(ORDERS_KEY))
      .send(templateBody());
    id = (res.body as Accepted).id;
  });

  afterAll(async () => {
    await api.close();
  });

  it('when its caller asks, then it answers the record with caller, metadata and history', async () => {
    const res = await request(api.app).get(`/v1/messages/${id}`).set(bearer(ORDERS_KEY));

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id,
      type: 'template',
      appId: APP_ID,
      status: 'queued',
      attempts: 0,
      caller: 'orders',
      metadata: { orderId: '42' },
      history: [{ event: 'queued' }],
    });
  });

  it('when another caller asks, then it answers 404 as if the id did not exist', async () => {
    const res = await request(api.app).get(`/v1/messages/${id}`).set(bearer(BILLING_KEY));

    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: { code: 'not_found' } });
  });

  it('when an operator (API_ADMIN_CALLERS) asks, then it answers the record', async () => {
    const res = await request(api.app).get(`/v1/messages/${id}`).set(bearer(OPS_KEY));

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, caller: 'orders' });
  });

  it.each([['m0000000000000000000000000'], ['not-an-id']])(
    'when the id %s is unknown, then it answers 404',
    async (unknown) => {
      const res = await request(api.app).get(`/v1/messages/${unknown}`).set(bearer(ORDERS_KEY));

      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ error: { code: 'not_found' } });
    },
  );
});

describe('DELETE /v1/messages/:id', () => {
  let api: TestApi;
  let records: RecordStore;

  const enqueue = async (body: Record<string, unknown>) => {
    const res = await request(api.app).post('/v1/messages').set(bearer(ORDERS_KEY)).send(body);
    return (res.body as Accepted).id;
  };

  beforeAll(async () => {
    api = await startTestApi();
    records = new RecordStore({ redis: api.redis, keyspace: api.keyspace });
  });

  afterAll(async () => {
    await api.close();
  });

  it('when a queued message is cancelled, then it answers 200 cancelled, the record says so and the job is gone', async () => {
    const id = await enqueue(templateBody());

    const res = await request(api.app).delete(`/v1/messages/${id}`).set(bearer(ORDERS_KEY));

    const queue = api.runtime.deps.queues.find((q) => q.name === SEND_QUEUE)!;
    const record = await records.get(id);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id, status: 'cancelled' });
    expect(record?.status).toBe('cancelled');
    expect(record?.history.map((h) => h.event)).toEqual(['queued', 'cancelled']);
    expect(await queue.getJob(id)).toBeUndefined();
  });

  it('when a scheduled message is cancelled, then it answers 200 and its delayed job is gone', async () => {
    const id = await enqueue(
      templateBody({ sendAt: new Date(Date.now() + 3_600_000).toISOString() }),
    );

    const res = await request(api.app).delete(`/v1/messages/${id}`).set(bearer(ORDERS_KEY));

    const queue = api.runtime.deps.queues.find((q) => q.name === SEND_QUEUE)!;
    expect(res.status).toBe(200);
    expect(await queue.getJob(id)).toBeUndefined();
    expect((await records.get(id))?.status).toBe('cancelled');
  });

  it('when a retrying message is cancelled, then it answers 200', async () => {
    const id = await enqueue(templateBody());
    await records.transition(id, { from: ['queued'], to: 'sending', event: { event: 'sending' } });
    await records.transition(id, { from: ['sending'], to: 'retrying', event: { event: 'x' } });

    const res = await request(api.app).delete(`/v1/messages/${id}`).set(bearer(ORDERS_KEY));

    expect(res.status).toBe(200);
    expect((await records.get(id))?.status).toBe('cancelled');
  });

  it.each([['sending'], ['sent'], ['dead']] as const)(
    'when the message is %s, then it answers 409 and the record is unchanged',
    async (status) => {
      const id = await enqueue(templateBody());
      await records.transition(id, {
        from: ['queued'],
        to: 'sending',
        event: { event: 'sending' },
      });
      if (status !== 'sending') {
        await records.transition(id, { from: ['sending'], to: status, event: { event: status } });
      }
      const before = await records.get(id);

      const res = await request(api.app).delete(`/v1/messages/${id}`).set(bearer(ORDERS_KEY));

      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ error: { code: 'conflict' } });
      expect(await records.get(id)).toEqual(before);
    },
  );

  it('when a message is cancelled twice, then the second answers 409', async () => {
    const id = await enqueue(templateBody());
    await request(api.app).delete(`/v1/messages/${id}`).set(bearer(ORDERS_KEY));

    const res = await request(api.app).delete(`/v1/messages/${id}`).set(bearer(ORDERS_KEY));

    expect(res.status).toBe(409);
  });

  it('when another caller cancels, then it answers 404 and the message stays queued', async () => {
    const id = await enqueue(templateBody());

    const res = await request(api.app).delete(`/v1/messages/${id}`).set(bearer(BILLING_KEY));

    expect(res.status).toBe(404);
    expect((await records.get(id))?.status).toBe('queued');
  });

  it('when the id is unknown, then it answers 404', async () => {
    const res = await request(api.app)
      .delete('/v1/messages/m0000000000000000000000000')
      .set(bearer(ORDERS_KEY));

    expect(res.status).toBe(404);
  });

  it('when a cancel and a worker claim race, then exactly one of them wins', async () => {
    const ids = await Promise.all(Array.from({ length: 20 }, () => enqueue(templateBody())));

    const outcomes = await Promise.all(
      ids.map(async (id) => {
        const [cancel, claim] = await Promise.all([
          request(api.app).delete(`/v1/messages/${id}`).set(bearer(ORDERS_KEY)),
          records.transition(id, {
            from: ['queued', 'scheduled', 'retrying', 'sending'],
            to: 'sending',
            event: { event: 'sending' },
          }),
        ]);
        return { cancelled: cancel.status === 200, claimed: claim.ok, id };
      }),
    );

    for (const outcome of outcomes) {
      expect(outcome.cancelled !== outcome.claimed).toBe(true);
      expect((await records.get(outcome.id))?.status).toBe(
        outcome.cancelled ? 'cancelled' : 'sending',
      );
    }
  });
});
