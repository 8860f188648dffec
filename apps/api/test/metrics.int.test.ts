import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Queue } from 'bullmq';
import request from 'supertest';
import {
  DeadLetterStore,
  RecordStore,
  SEND_QUEUE,
  type SendJob,
  type DeadLetterJob,
} from '@wechat-dispatch/core';
import {
  APP_ID,
  BILLING_KEY,
  ORDERS_KEY,
  bearer,
  startTestApi,
  type TestApi,
} from './helpers/test-api';
import { subscribeBody, templateBody } from './helpers/messages';

describe('GET /metrics', () => {
  let api: TestApi;
  let text: string;
  let messageId: string;

  beforeAll(async () => {
    api = await startTestApi();
    const post = (key: string, body: Record<string, unknown>) =>
      request(api.app).post('/v1/messages').set(bearer(key)).send(body);
    messageId = ((await post(ORDERS_KEY, templateBody())).body as { id: string }).id;
    await post(
      ORDERS_KEY,
      templateBody({ sendAt: new Date(Date.now() + 3_600_000).toISOString() }),
    );
    await post(ORDERS_KEY, subscribeBody());
    await post(BILLING_KEY, templateBody());
    await request(api.app).get(`/v1/messages/${messageId}`).set(bearer(ORDERS_KEY));
    const records = new RecordStore({ redis: api.redis, keyspace: api.keyspace });
    await records.transition(messageId, { from: ['queued'], to: 'sending', event: { event: 's' } });
    await records.transition(messageId, { from: ['sending'], to: 'dead', event: { event: 'd' } });
    const queues = api.runtime.deps.queues;
    await new DeadLetterStore({
      redis: api.redis,
      keyspace: api.keyspace,
      records,
      deadLetterQueue: queues.find((q) => q.name === 'dead-letters') as Queue<DeadLetterJob>,
      sendQueue: queues.find((q) => q.name === SEND_QUEUE) as Queue<SendJob>,
    }).bury({
      messageId,
      appId: APP_ID,
      errcode: 40003,
      errmsg: 'invalid openid',
      traceId: 't',
      deadAt: new Date().toISOString(),
    });
    text = (await request(api.app).get('/metrics').expect(200)).text;
  });

  afterAll(async () => {
    await api.close();
  });

  it('when scraped without credentials, then it counts enqueued messages by type and caller', () => {
    expect(text).toContain('wxd_messages_enqueued_total{type="template",caller="orders"} 2');
    expect(text).toContain('wxd_messages_enqueued_total{type="subscribe",caller="orders"} 1');
    expect(text).toContain('wxd_messages_enqueued_total{type="template",caller="billing"} 1');
  });

  it('when scraped, then request durations are labelled by route template, never by id', () => {
    expect(text).toMatch(
      /wxd_http_request_duration_seconds_count\{method="GET",route="\/v1\/messages\/:id",status="200"\} 1/,
    );
    expect(text).toMatch(
      /wxd_http_request_duration_seconds_count\{method="POST",route="\/v1\/messages",status="202"\} 4/,
    );
    expect(text).not.toContain(messageId);
  });

  it('when scraped, then queue depths per queue and state include dead letters', () => {
    const queue = SEND_QUEUE;

    // Every send job has a priority (its place in its app's backlog), so none is plain waiting.
    expect(text).toContain(`wxd_queue_jobs{queue="${queue}",state="waiting"} 0`);
    expect(text).toContain(`wxd_queue_jobs{queue="${queue}",state="prioritized"} 3`);
    expect(text).toContain(`wxd_queue_jobs{queue="${queue}",state="delayed"} 1`);
    expect(text).toContain(`wxd_queue_jobs{queue="${queue}",state="active"} 0`);
    expect(text).toContain(`wxd_queue_jobs{queue="${queue}",state="failed"} 0`);
    expect(text).toContain(`wxd_queue_jobs{queue="${queue}",state="dead"} 1`);
    expect(text).toContain('wxd_queue_jobs{queue="dead-letters",state="waiting"} 1');
  });
});

describe('GET /metrics with METRICS_TOKEN', () => {
  const token = 'scrape-token-0123456789';
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi({ metricsToken: token });
  });

  afterAll(async () => {
    await api.close();
  });

  it.each([
    ['no Authorization', undefined],
    ['a wrong token', 'Bearer scrape-token-0123456780'],
    ['an API key instead', `Bearer ${ORDERS_KEY}`],
  ])(
    'when it is asked with %s, then it is a 401 in the error shape without metrics',
    async (_name, authorization) => {
      const req = request(api.app).get('/metrics');
      const res = await (authorization ? req.set('Authorization', authorization) : req);

      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="metrics"');
      expect(res.body).toMatchObject({ error: { code: 'unauthorized' } });
      expect(res.text).not.toContain('wxd_');
    },
  );

  it('when it is asked with the bearer token, then it answers the metrics', async () => {
    const res = await request(api.app).get('/metrics').set('Authorization', `Bearer ${token}`);

    expect(res.status).toBe(200);
    expect(res.text).toContain('wxd_messages_enqueued_total');
  });
});
