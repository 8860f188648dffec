import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type { Queue } from 'bullmq';
import {
  DeadLetterStore,
  RecordStore,
  SEND_QUEUE,
  redriveJobId,
  type SendJob,
  type DeadLetterJob,
} from '@wechat-dispatch/core';
import {
  APP_ID,
  BILLING_KEY,
  OPS_KEY,
  ORDERS_KEY,
  bearer,
  startTestApi,
  type TestApi,
} from './helpers/test-api';
import { templateBody } from './helpers/messages';

interface Page {
  items: Array<{ id: string; caller: string; status: string }>;
  nextCursor: string | null;
}

describe('/v1/dead-letters', () => {
  let api: TestApi;
  let records: RecordStore;
  let store: DeadLetterStore;
  const deadIds: Record<string, string[]> = { orders: [], billing: [] };

  /** Enqueues a message as `key` and kills it as the worker would. */
  const killOne = async (key: string, at: number): Promise<string> => {
    const res = await request(api.app).post('/v1/messages').set(bearer(key)).send(templateBody());
    const id = (res.body as { id: string }).id;
    await records.transition(id, { from: ['queued'], to: 'sending', event: { event: 'sending' } });
    await records.transition(id, {
      from: ['sending'],
      to: 'dead',
      set: { lastError: { errcode: 40003, errmsg: 'invalid openid' } },
      event: { event: 'dead', errcode: 40003 },
    });
    await store.bury({
      messageId: id,
      appId: APP_ID,
      errcode: 40003,
      errmsg: 'invalid openid',
      traceId: 't',
      deadAt: new Date(at).toISOString(),
    });
    return id;
  };

  beforeAll(async () => {
    api = await startTestApi();
    records = new RecordStore({ redis: api.redis, keyspace: api.keyspace });
    const queues = api.runtime.deps.queues;
    store = new DeadLetterStore({
      redis: api.redis,
      keyspace: api.keyspace,
      records,
      deadLetterQueue: queues.find((q) => q.name === 'dead-letters') as Queue<DeadLetterJob>,
      sendQueue: queues.find((q) => q.name === SEND_QUEUE) as Queue<SendJob>,
    });
    const t0 = Date.now() - 100_000;
    for (let i = 0; i < 6; i += 1) {
      deadIds.orders!.push(await killOne(ORDERS_KEY, t0 + i * 1000));
    }
    for (let i = 0; i < 3; i += 1) {
      deadIds.billing!.push(await killOne(BILLING_KEY, t0 + 10_000 + i * 1000));
    }
  });

  afterAll(async () => {
    await api.close();
  });

  it('when a caller lists, then it sees only its own dead letters, newest first, page by page', async () => {
    const first = await request(api.app).get('/v1/dead-letters?limit=4').set(bearer(ORDERS_KEY));
    const firstPage = first.body as Page;
    const seen = [...firstPage.items];
    let cursor = firstPage.nextCursor;
    while (cursor) {
      const next = await request(api.app)
        .get(`/v1/dead-letters?limit=4&cursor=${encodeURIComponent(cursor)}`)
        .set(bearer(ORDERS_KEY));
      seen.push(...(next.body as Page).items);
      cursor = (next.body as Page).nextCursor;
    }

    expect(first.status).toBe(200);
    expect(seen.map((r) => r.id)).toEqual([...deadIds.orders!].reverse());
    expect(seen.every((r) => r.caller === 'orders' && r.status === 'dead')).toBe(true);
  });

  it('when an operator lists, then it sees every caller’s dead letters', async () => {
    const res = await request(api.app)
      .get(`/v1/dead-letters?appId=${APP_ID}&limit=100`)
      .set(bearer(OPS_KEY));

    const page = res.body as Page;
    expect(res.status).toBe(200);
    expect(page.items).toHaveLength(9);
    expect(page.nextCursor).toBeNull();
  });

  it.each([['limit=0'], ['limit=501'], ['limit=abc'], ['color=red']])(
    'when the query has %s, then it answers 400',
    async (query) => {
      const res = await request(api.app).get(`/v1/dead-letters?${query}`).set(bearer(ORDERS_KEY));

      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: { code: 'validation_failed' } });
    },
  );

  it('when a caller redrives its dead message, then it answers 202 queued, the record is queued with a fresh budget and a job waits', async () => {
    const id = deadIds.orders![0]!;

    const res = await request(api.app)
      .post(`/v1/dead-letters/${id}/redrive`)
      .set(bearer(ORDERS_KEY))
      .set('X-Request-Id', 'trace-redrive-1');

    const record = await records.get(id);
    const job = await api.runtime.deps.queues
      .find((q) => q.name === SEND_QUEUE)!
      .getJob(redriveJobId(id, 1));
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ id, status: 'queued' });
    expect(record).toMatchObject({ status: 'queued', attempts: 0 });
    expect(record?.history.at(-1)).toMatchObject({ event: 'redriven', caller: 'orders' });
    expect(job?.data).toEqual({ messageId: id, appId: APP_ID, traceId: 'trace-redrive-1' });
  });

  it('when the same message is redriven again, then it answers 409', async () => {
    const res = await request(api.app)
      .post(`/v1/dead-letters/${deadIds.orders![0]!}/redrive`)
      .set(bearer(ORDERS_KEY));

    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: { code: 'conflict' } });
  });

  it('when two redrives of one message race, then exactly one answers 202', async () => {
    const id = deadIds.orders![1]!;

    const answers = await Promise.all(
      [1, 2].map(() =>
        request(api.app).post(`/v1/dead-letters/${id}/redrive`).set(bearer(ORDERS_KEY)),
      ),
    );

    expect(answers.map((a) => a.status).sort()).toEqual([202, 409]);
  });

  it('when another caller redrives it, then it answers 404 and the message stays dead', async () => {
    const id = deadIds.orders![2]!;

    const res = await request(api.app)
      .post(`/v1/dead-letters/${id}/redrive`)
      .set(bearer(BILLING_KEY));

    expect(res.status).toBe(404);
    expect((await records.get(id))?.status).toBe('dead');
  });

  it('when an operator redrives another caller’s message, then it answers 202', async () => {
    const res = await request(api.app)
      .post(`/v1/dead-letters/${deadIds.billing![0]!}/redrive`)
      .set(bearer(OPS_KEY));

    expect(res.status).toBe(202);
  });

  it('when the id is unknown, then it answers 404', async () => {
    const res = await request(api.app)
      .post('/v1/dead-letters/m0000000000000000000000000/redrive')
      .set(bearer(ORDERS_KEY));

    expect(res.status).toBe(404);
  });

  describe('cursors and the per-caller index (issue #18, findings 2 and 3)', () => {
    it('when a caller pages, then the cursor reveals no message id and another caller using it gets 400', async () => {
      const first = await request(api.app).get('/v1/dead-letters?limit=1').set(bearer(ORDERS_KEY));
      const cursor = (first.body as Page).nextCursor!;
      const decoded = Buffer.from(cursor, 'base64url').toString('latin1');

      const foreign = await request(api.app)
        .get(`/v1/dead-letters?limit=1&cursor=${encodeURIComponent(cursor)}`)
        .set(bearer(BILLING_KEY));
      const otherListing = await request(api.app)
        .get(`/v1/dead-letters?limit=1&appId=${APP_ID}&cursor=${encodeURIComponent(cursor)}`)
        .set(bearer(ORDERS_KEY));
      // Another first character (a fixed 'A' left one cursor in 64 unchanged).
      const changed = `${cursor.startsWith('A') ? 'B' : 'A'}${cursor.slice(1)}`;
      const tampered = await request(api.app)
        .get(`/v1/dead-letters?limit=1&cursor=${encodeURIComponent(changed)}`)
        .set(bearer(ORDERS_KEY));
      const own = await request(api.app)
        .get(`/v1/dead-letters?limit=1&cursor=${encodeURIComponent(cursor)}`)
        .set(bearer(ORDERS_KEY));

      expect(cursor).toBeTruthy();
      for (const id of [...deadIds.orders!, ...deadIds.billing!]) {
        expect(decoded).not.toContain(id);
      }
      expect(foreign.status).toBe(400);
      expect(foreign.body).toMatchObject({
        error: { code: 'validation_failed', details: [{ path: 'cursor' }] },
      });
      expect([otherListing.status, tampered.status, own.status]).toEqual([400, 400, 200]);
    });

    it('when a caller’s few dead letters are older than many of another caller, then its first page holds them all', async () => {
      const t0 = Date.now() - 50_000;
      for (let i = 0; i < 300; i += 1) {
        await killOne(BILLING_KEY, t0 + i);
      }
      const own = await request(api.app).get('/v1/dead-letters?limit=10').set(bearer(ORDERS_KEY));

      // The first two were redriven by the tests above; the other four are still dead.
      expect(own.status).toBe(200);
      expect((own.body as Page).items.map((r) => r.id)).toEqual(
        [...deadIds.orders!.slice(2)].reverse(),
      );
      expect((own.body as Page).nextCursor).toBeNull();
    });

    it('when dead letters were buried before caller indexes existed, then the first non-operator listing backfills them', async () => {
      const fresh = await startTestApi();
      try {
        const id = (
          (
            await request(fresh.app)
              .post('/v1/messages')
              .set(bearer(ORDERS_KEY))
              .send(templateBody())
          ).body as { id: string }
        ).id;
        await fresh.redis
          .multi()
          .zadd(`${fresh.keyspace.root}:dead-index`, Date.now(), id)
          .zadd(`${fresh.keyspace.root}:dead-index:${APP_ID}`, Date.now(), id)
          .exec();
        const freshRecords = new RecordStore({ redis: fresh.redis, keyspace: fresh.keyspace });
        await freshRecords.transition(id, {
          from: ['queued'],
          to: 'dead',
          event: { event: 'dead' },
        });

        const res = await request(fresh.app).get('/v1/dead-letters').set(bearer(ORDERS_KEY));

        expect((res.body as Page).items.map((r) => r.id)).toEqual([id]);
      } finally {
        await fresh.close();
      }
    });
  });
});
