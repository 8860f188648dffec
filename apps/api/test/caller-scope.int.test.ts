import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type { Queue } from 'bullmq';
import {
  DeadLetterStore,
  RecordStore,
  SEND_QUEUE,
  type DeadLetterJob,
  type SendJob,
} from '@wechat-dispatch/core';
import {
  APP_ID,
  BILLING_KEY,
  OPS_KEY,
  ORDERS_KEY,
  OTHER_APP_ID,
  bearer,
  startTestApi,
  type TestApi,
} from './helpers/test-api';
import { templateBody } from './helpers/messages';

/** The `orders` caller's second key, scoped to APP_ID only (`orders:<key>:<APP_ID>`). */
const SCOPED_KEY = 'orders-scoped-key-00000001';

interface Page {
  items: Array<{ id: string; caller: string; appId: string }>;
  nextCursor: string | null;
}

/** Issue #18: callers scoped to apps (`API_KEYS` entries `name:key:appId|appId…`). */
describe('callers scoped to apps', () => {
  let api: TestApi;
  let records: RecordStore;
  let store: DeadLetterStore;

  const send = (key: string, body: Record<string, unknown>) =>
    request(api.app).post('/v1/messages').set(bearer(key)).send(body);

  const kill = async (id: string, appId: string, at: number): Promise<void> => {
    await records.transition(id, { from: ['queued'], to: 'sending', event: { event: 'sending' } });
    await records.transition(id, { from: ['sending'], to: 'dead', event: { event: 'dead' } });
    await store.bury({
      messageId: id,
      appId,
      errcode: 40003,
      errmsg: 'invalid openid',
      traceId: 't',
      deadAt: new Date(at).toISOString(),
    });
  };

  beforeAll(async () => {
    api = await startTestApi({
      appIds: [APP_ID, OTHER_APP_ID],
      apiKeys: [
        { name: 'orders', key: ORDERS_KEY },
        { name: 'orders', key: SCOPED_KEY, appIds: [APP_ID] },
        { name: 'billing', key: BILLING_KEY },
        { name: 'ops', key: OPS_KEY },
      ],
    });
    records = new RecordStore({ redis: api.redis, keyspace: api.keyspace });
    const queues = api.runtime.deps.queues;
    store = new DeadLetterStore({
      redis: api.redis,
      keyspace: api.keyspace,
      records,
      deadLetterQueue: queues.find((q) => q.name === 'dead-letters') as Queue<DeadLetterJob>,
      sendQueue: queues.find((q) => q.name === SEND_QUEUE) as Queue<SendJob>,
    });
  });

  afterAll(async () => {
    await api.close();
  });

  it('when a scoped caller sends for an app outside its scope, then it answers 404 and nothing is stored', async () => {
    const before = await api.storedKeys();

    const res = await send(SCOPED_KEY, templateBody({ appId: OTHER_APP_ID }));
    const batch = await request(api.app)
      .post('/v1/messages/batch')
      .set(bearer(SCOPED_KEY))
      .send({ messages: [templateBody({ appId: APP_ID }), templateBody({ appId: OTHER_APP_ID })] });

    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: { code: 'not_found' } });
    expect(batch.status).toBe(404);
    expect(JSON.stringify(batch.body)).toContain('messages[1].appId');
    expect(await api.storedKeys()).toEqual(before);
  });

  it('when a scoped caller names no app, then its only app is used even though two are configured', async () => {
    const res = await send(SCOPED_KEY, templateBody());

    expect(res.status).toBe(202);
    expect((await records.get((res.body as { id: string }).id))?.appId).toBe(APP_ID);
  });

  it('when a scoped caller reads or cancels its own message of an app outside its scope, then it answers 404', async () => {
    const created = await send(ORDERS_KEY, templateBody({ appId: OTHER_APP_ID }));
    const id = (created.body as { id: string }).id;

    const read = await request(api.app).get(`/v1/messages/${id}`).set(bearer(SCOPED_KEY));
    const cancel = await request(api.app).delete(`/v1/messages/${id}`).set(bearer(SCOPED_KEY));
    const unscoped = await request(api.app).get(`/v1/messages/${id}`).set(bearer(ORDERS_KEY));

    expect(created.status).toBe(202);
    expect([read.status, cancel.status]).toEqual([404, 404]);
    expect(read.body).toMatchObject({ error: { code: 'not_found' } });
    expect(unscoped.status).toBe(200);
    expect((await records.get(id))?.status).toBe('queued');
  });

  it('when a scoped caller lists or redrives dead letters, then those of other apps are 404 or absent; an operator sees all', async () => {
    const t0 = Date.now() - 50_000;
    const own = (await send(ORDERS_KEY, templateBody({ appId: APP_ID }))).body as { id: string };
    const other = (await send(ORDERS_KEY, templateBody({ appId: OTHER_APP_ID }))).body as {
      id: string;
    };
    await kill(own.id, APP_ID, t0);
    await kill(other.id, OTHER_APP_ID, t0 + 1000);

    const scoped = await request(api.app).get('/v1/dead-letters').set(bearer(SCOPED_KEY));
    const outside = await request(api.app)
      .get(`/v1/dead-letters?appId=${OTHER_APP_ID}`)
      .set(bearer(SCOPED_KEY));
    const redrive = await request(api.app)
      .post(`/v1/dead-letters/${other.id}/redrive`)
      .set(bearer(SCOPED_KEY));
    const operator = await request(api.app)
      .get(`/v1/dead-letters?appId=${OTHER_APP_ID}`)
      .set(bearer(OPS_KEY));

    expect((scoped.body as Page).items.map((r) => r.id)).toEqual([own.id]);
    expect(outside.status).toBe(404);
    expect(redrive.status).toBe(404);
    expect((await records.get(other.id))?.status).toBe('dead');
    expect((operator.body as Page).items.map((r) => r.id)).toContain(other.id);
  });

  it('when a scoped caller reads the consents of an app outside its scope, then it answers 404; its own app and operators 200', async () => {
    const outside = await request(api.app)
      .get(`/v1/consents/${OTHER_APP_ID}/oUserTest000001`)
      .set(bearer(SCOPED_KEY));
    const inside = await request(api.app)
      .get(`/v1/consents/${APP_ID}/oUserTest000001`)
      .set(bearer(SCOPED_KEY));
    const operator = await request(api.app)
      .get(`/v1/consents/${OTHER_APP_ID}/oUserTest000001`)
      .set(bearer(OPS_KEY));

    expect(outside.status).toBe(404);
    expect(outside.body).toMatchObject({ error: { code: 'not_found' } });
    expect([inside.status, operator.status]).toEqual([200, 200]);
  });
});
