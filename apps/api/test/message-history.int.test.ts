import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import request from 'supertest';
import {
  ArchiveWriter,
  ChangeArchiver,
  openArchiveDatabase,
  type ArchiveDatabase,
  ArchiveSearch,
} from '@wechat-dispatch/core';
import { createLogger } from '@wechat-dispatch/shared';
import { TEST_REDIS_URL, createTestDatabase, type TestDatabase } from '@wechat-dispatch/testkit';
import { templateBody } from './helpers/messages';
import {
  APP_ID,
  BILLING_KEY,
  OPS_KEY,
  OTHER_APP_ID,
  ORDERS_KEY,
  bearer,
  startTestApi,
  type TestApi,
} from './helpers/test-api';

let api: TestApi;
let bare: TestApi;
let database: TestDatabase;
let archive: ArchiveDatabase;
let reader: Redis;
let archiver: ChangeArchiver;

beforeAll(async () => {
  database = await createTestDatabase('history');
  archive = await openArchiveDatabase({ databaseUrl: database.url });
  api = await startTestApi({ archive: new ArchiveSearch(archive.db) });
  bare = await startTestApi();
  reader = new Redis(TEST_REDIS_URL);
  archiver = new ChangeArchiver({
    redis: reader,
    keyspace: api.keyspace,
    writer: new ArchiveWriter(archive.db),
    logger: createLogger({ service: 'test', level: 'error' }),
  });
  await archiver.start();
  await archiver.stop();
});

afterAll(async () => {
  await api.close();
  await bare.close();
  await reader.quit();
  await archive.close();
  await database.drop();
});

async function send(key: string, toUser: string, orderId: string): Promise<string> {
  const res = await request(api.app)
    .post('/v1/messages')
    .set(bearer(key))
    .send({ ...templateBody(), toUser, metadata: { orderId } })
    .expect(202);
  return (res.body as { id: string }).id;
}

async function drain(): Promise<void> {
  while ((await archiver.drainOnce()) > 0) {
    // until every change is archived
  }
}

describe('GET /v1/messages (search)', () => {
  let mine: string;
  let theirs: string;

  beforeAll(async () => {
    mine = await send(ORDERS_KEY, 'oSearchUser000000000000001', 'order-42');
    await send(ORDERS_KEY, 'oSearchUser000000000000002', 'order-43');
    theirs = await send(BILLING_KEY, 'oSearchUser000000000000001', 'order-42');
    await drain();
  });

  it('when a caller searches by metadata.orderId, then only its own matching message comes back', async () => {
    const res = await request(api.app)
      .get('/v1/messages')
      .query({ 'metadata.orderId': 'order-42' })
      .set(bearer(ORDERS_KEY))
      .expect(200);

    expect((res.body as { items: Array<{ id: string }> }).items.map((r) => r.id)).toEqual([mine]);
    expect(res.body).toMatchObject({ nextCursor: null });
  });

  it('when an operator searches by toUser, then every caller’s messages come back, newest first', async () => {
    const res = await request(api.app)
      .get('/v1/messages')
      .query({ toUser: 'oSearchUser000000000000001', appId: APP_ID })
      .set(bearer(OPS_KEY))
      .expect(200);

    expect((res.body as { items: Array<{ id: string }> }).items.map((r) => r.id)).toEqual([
      theirs,
      mine,
    ]);
  });

  it('when a page is followed by its cursor, then the next page continues, and another caller cannot use it', async () => {
    const first = await request(api.app)
      .get('/v1/messages')
      .query({ limit: 1 })
      .set(bearer(ORDERS_KEY))
      .expect(200);
    const cursor = (first.body as { nextCursor: string }).nextCursor;
    expect(cursor).toEqual(expect.any(String));

    const second = await request(api.app)
      .get('/v1/messages')
      .query({ limit: 1, cursor })
      .set(bearer(ORDERS_KEY))
      .expect(200);
    expect((second.body as { items: Array<{ id: string }> }).items.map((r) => r.id)).toEqual([
      mine,
    ]);
    const foreign = await request(api.app)
      .get('/v1/messages')
      .query({ limit: 1, cursor })
      .set(bearer(BILLING_KEY))
      .expect(400);
    expect(foreign.body).toMatchObject({ error: { details: [{ path: 'cursor' }] } });
  });

  it('when a parameter is unknown or a date is malformed, then 400 names it', async () => {
    const res = await request(api.app)
      .get('/v1/messages')
      .query({ colour: 'red', from: 'yesterday' })
      .set(bearer(ORDERS_KEY))
      .expect(400);

    const paths = (res.body as { error: { details: Array<{ path: string }> } }).error.details.map(
      (d) => d.path,
    );
    expect(paths.sort()).toEqual(['colour', 'from']);
  });

  it('when the Redis record has expired, then GET by id is answered from the archive, still scoped', async () => {
    await api.redis.del(api.keyspace.key('msg', mine));

    const res = await request(api.app)
      .get(`/v1/messages/${mine}`)
      .set(bearer(ORDERS_KEY))
      .expect(200);
    expect(res.body).toMatchObject({
      id: mine,
      status: 'queued',
      metadata: { orderId: 'order-42' },
    });
    await request(api.app).get(`/v1/messages/${mine}`).set(bearer(BILLING_KEY)).expect(404);
  });

  it('when stats are asked per template, then the counts per status of the caller’s messages come back', async () => {
    const res = await request(api.app)
      .get('/v1/stats')
      .query({ groupBy: 'template' })
      .set(bearer(ORDERS_KEY))
      .expect(200);

    expect(res.body).toMatchObject({
      groupBy: 'template',
      groups: [{ total: 2, counts: { queued: 2, sent: 0, dead: 0, expired: 0 } }],
    });
  });
});

function changesWaitingOf(metrics: string): number | undefined {
  const line = metrics.split('\n').find((l) => l.startsWith('wxd_archive_changes_waiting '));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}

describe('GET /metrics (archive)', () => {
  it('when changes wait in the stream, then wxd_archive_changes_waiting reports them until the archiver has written them', async () => {
    await send(ORDERS_KEY, 'oMetricUser000000000000001', 'order-77');
    await send(ORDERS_KEY, 'oMetricUser000000000000002', 'order-78');

    const before = await request(api.app).get('/metrics').expect(200);
    const waiting = await api.redis.xlen(api.keyspace.key('archive-changes'));
    expect(waiting).toBeGreaterThanOrEqual(2);
    expect(changesWaitingOf(before.text)).toBe(waiting);

    await drain();
    const after = await request(api.app).get('/metrics').expect(200);
    expect(changesWaitingOf(after.text)).toBe(0);
  });

  it('when there is no archive, then the metric is not exported', async () => {
    const res = await request(bare.app).get('/metrics').expect(200);
    expect(changesWaitingOf(res.text)).toBeUndefined();
  });
});

describe('without an archive', () => {
  it('when searching, then 501 archive_not_configured says what to set', async () => {
    const res = await request(bare.app).get('/v1/messages').set(bearer(ORDERS_KEY)).expect(501);

    expect(res.body).toMatchObject({ error: { code: 'archive_not_configured' } });
    expect((res.body as { error: { message: string } }).error.message).toContain('DATABASE_URL');
    await request(bare.app).get('/v1/stats').set(bearer(ORDERS_KEY)).expect(501);
  });

  it('when a message is sent, then no change is appended to the change stream', async () => {
    await request(bare.app)
      .post('/v1/messages')
      .set(bearer(ORDERS_KEY))
      .send(templateBody())
      .expect(202);

    expect(await bare.redis.exists(bare.keyspace.key('archive-changes'))).toBe(0);
  });
});

describe('callers scoped to apps (#18)', () => {
  const SCOPED_KEY = 'orders-scoped-history-key-01';
  let scoped: TestApi;

  beforeAll(async () => {
    scoped = await startTestApi({
      archive: new ArchiveSearch(archive.db),
      appIds: [APP_ID, OTHER_APP_ID],
      apiKeys: [{ name: 'orders', key: SCOPED_KEY, appIds: [APP_ID] }],
    });
  });

  afterAll(async () => {
    await scoped.close();
  });

  it('when a scoped caller asks for stats or a search of an app outside its scope, then 404; of its own app, 200', async () => {
    const stats = await request(scoped.app)
      .get(`/v1/stats?appId=${OTHER_APP_ID}`)
      .set(bearer(SCOPED_KEY));
    const search = await request(scoped.app)
      .get(`/v1/messages?appId=${OTHER_APP_ID}`)
      .set(bearer(SCOPED_KEY));
    const own = await request(scoped.app).get(`/v1/stats?appId=${APP_ID}`).set(bearer(SCOPED_KEY));

    expect([stats.status, search.status, own.status]).toEqual([404, 404, 200]);
    expect(stats.body).toMatchObject({ error: { code: 'not_found' } });
  });
});
