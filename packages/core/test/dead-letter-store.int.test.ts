import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Keyspace } from '@wechat-dispatch/shared';
import { TEST_REDIS_URL, uniquePrefix } from '@wechat-dispatch/testkit';
import {
  DeadLetterStore,
  redriveJobId,
  type DeadLetterJob,
} from '../src/dead-letters/dead-letter-store';
import { deadIndexKey } from '../src/dead-letters/dead-index';
import { DEAD_LETTER_QUEUE, SEND_QUEUE, type SendJob } from '../src/jobs/queues';
import { newMessageId } from '../src/messages/message-id';
import { RecordBatch } from '../src/records/record-batch';
import { RecordStore } from '../src/records/record-store';
import { newRecord, testMessage } from './helpers/test-records';

const keyspace = new Keyspace(uniquePrefix('dlq'));
let redis: Redis;
let records: RecordStore;
let batch: RecordBatch;
let deadLetterQueue: Queue<DeadLetterJob>;
let sendQueue: Queue<SendJob>;
let store: DeadLetterStore;

async function deadMessage(appId: string, at: Date): Promise<string> {
  const record = newRecord({
    id: newMessageId(at.getTime()),
    appId,
    createdAt: at.toISOString(),
    updatedAt: at.toISOString(),
  });
  const { id } = record;
  const now = record.createdAt;
  await batch.createMissing([{ record, message: { ...testMessage, appId } }]);
  await records.transition(id, { from: ['queued'], to: 'sending', event: { event: 'sending' } });
  await records.transition(id, {
    from: ['sending'],
    to: 'dead',
    set: { lastError: { errcode: 40003, errmsg: 'invalid openid' } },
    incrementAttempts: true,
    event: { event: 'dead' },
  });
  await store.bury({
    messageId: id,
    appId,
    errcode: 40003,
    errmsg: 'invalid openid',
    traceId: 't',
    deadAt: now,
  });
  return id;
}

beforeAll(() => {
  redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  records = new RecordStore({ redis, keyspace });
  batch = new RecordBatch({ redis, keyspace });
  deadLetterQueue = new Queue<DeadLetterJob>(DEAD_LETTER_QUEUE, {
    connection: redis,
    prefix: keyspace.root,
  });
  sendQueue = new Queue<SendJob>(SEND_QUEUE, { connection: redis, prefix: keyspace.root });
  store = new DeadLetterStore({ redis, keyspace, records, deadLetterQueue, sendQueue });
});

afterAll(async () => {
  await Promise.all([
    deadLetterQueue.obliterate({ force: true }),
    sendQueue.obliterate({ force: true }),
  ]);
  await Promise.all([deadLetterQueue.close(), sendQueue.close()]);
  const keys = await redis.keys(`${keyspace.root}*`);
  if (keys.length > 0) {
    await redis.del(...keys);
  }
  await redis.quit();
});

describe('DeadLetterStore', () => {
  it('when five messages died, then pages of two list them newest first without repeats, per app when asked', async () => {
    const base = Date.parse('2026-11-27T00:00:00Z');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(await deadMessage(i === 2 ? 'wxOther' : 'wxMain', new Date(base + i * 1000)));
    }
    // A sixth in the same millisecond as the fourth tests ties at a page boundary.
    ids.push(await deadMessage('wxMain', new Date(base + 3000)));

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.list({ limit: 2, cursor });
      seen.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const onlyOther = await store.list({ appId: 'wxOther' });

    expect(new Set(seen).size).toBe(6);
    expect(seen[seen.length - 1]).toBe(ids[0]);
    expect(onlyOther.items.map((r) => r.id)).toEqual([ids[2]]);
    expect(await deadLetterQueue.getJob(ids[0]!)).toBeDefined();
  });

  it('when a dead letter is redriven twice, then it is queued once with a fresh attempt budget', async () => {
    const id = await deadMessage('wxMain', new Date());

    const first = await store.redrive(id, { caller: 'ops', traceId: 'redrive-1' });
    const second = await store.redrive(id, { caller: 'ops', traceId: 'redrive-2' });
    const record = await records.get(id);
    const job = await sendQueue.getJob(redriveJobId(id, 1));

    expect(first).toEqual({ ok: true });
    expect(second).toEqual({ ok: false, reason: 'not_dead', status: 'queued' });
    expect(record).toMatchObject({ status: 'queued', attempts: 0 });
    expect(record?.history.at(-1)).toMatchObject({ event: 'redriven', caller: 'ops' });
    expect(job?.data).toEqual({ messageId: id, appId: 'wxMain', traceId: 'redrive-1' });
    expect(await deadLetterQueue.getJob(id)).toBeUndefined();
    expect(
      (await store.list({ appId: 'wxMain', limit: 500 })).items.map((r) => r.id),
    ).not.toContain(id);
  });

  it('when 100 redrives of one dead letter race, then exactly one wins and exactly one send job exists', async () => {
    const id = await deadMessage('wxMain', new Date());

    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => store.redrive(id, { caller: 'ops', traceId: `r${i}` })),
    );
    const jobs = (await sendQueue.getJobs(['waiting', 'prioritized', 'delayed', 'failed'])).filter(
      (j) => j.data.messageId === id,
    );

    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.reason === 'not_dead')).toHaveLength(99);
    expect(jobs.map((j) => j.id)).toEqual([redriveJobId(id, 1)]);
    expect((await records.get(id))?.status).toBe('queued');
  });

  it('when a message died twice, then its second redrive gets a job of its own beside the first run', async () => {
    const id = await deadMessage('wxMain', new Date());
    await store.redrive(id, { caller: 'ops', traceId: 'first' });
    await records.transition(id, { from: ['queued'], to: 'sending', event: { event: 'sending' } });
    await records.transition(id, { from: ['sending'], to: 'dead', event: { event: 'dead' } });
    await store.bury({
      messageId: id,
      appId: 'wxMain',
      errcode: 1,
      errmsg: 'x',
      traceId: 't',
      deadAt: new Date().toISOString(),
    });

    const again = await store.redrive(id, { caller: 'ops', traceId: 'second' });

    expect(again).toEqual({ ok: true });
    expect((await sendQueue.getJob(redriveJobId(id, 2)))?.data.traceId).toBe('second');
  });

  it('when a message is redriven before the worker files it, then bury files nothing', async () => {
    const id = await deadMessage('wxMain', new Date());
    await store.redrive(id, { caller: 'ops', traceId: 't' });

    await store.bury({
      messageId: id,
      appId: 'wxMain',
      errcode: 1,
      errmsg: 'x',
      traceId: 't',
      deadAt: new Date().toISOString(),
    });

    expect(await redis.zscore(deadIndexKey(keyspace), id)).toBeNull();
    expect(await redis.zscore(deadIndexKey(keyspace, 'wxMain'), id)).toBeNull();
    expect(await deadLetterQueue.getJob(id)).toBeUndefined();
  });

  it('when a message is buried, then every index expires with the records and older entries are trimmed', async () => {
    const id = await deadMessage('wxTtl', new Date());
    const stale = 'mstale0000000000000000000';
    await redis.zadd(deadIndexKey(keyspace, 'wxTtl'), Date.now() - 8 * 24 * 3600 * 1000, stale);
    await store.bury({
      messageId: id,
      appId: 'wxTtl',
      errcode: 1,
      errmsg: 'x',
      traceId: 't',
      deadAt: new Date().toISOString(),
    });

    const ttls = await Promise.all(
      [
        deadIndexKey(keyspace),
        deadIndexKey(keyspace, 'wxTtl'),
        `${keyspace.key('dead-by-caller')}:orders`,
      ].map((key) => redis.ttl(key)),
    );

    expect(ttls.every((ttl) => ttl > 0 && ttl <= records.ttlSeconds)).toBe(true);
    expect(await redis.zscore(deadIndexKey(keyspace, 'wxTtl'), stale)).toBeNull();
  });

  it('when the id is unknown, then redrive says not_found', async () => {
    expect(await store.redrive(newMessageId(), { caller: 'ops', traceId: 't' })).toEqual({
      ok: false,
      reason: 'not_found',
    });
  });
});
