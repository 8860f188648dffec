import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import {
  DeadLetterStore,
  QUEUE_CATALOGUE,
  RecordBatch,
  RecordStore,
  SEND_QUEUE,
  newMessageId,
  staticAppDirectory,
  type DeadLetterJob,
  type DeliveryRecord,
  type SendJob,
} from '@wechat-dispatch/core';
import { Keyspace, createLogger } from '@wechat-dispatch/shared';
import { TEST_REDIS_URL, scanKeys, uniquePrefix, waitFor } from '@wechat-dispatch/testkit';
import { DeadLetterSweep } from '../src/infra/dead-letter-sweep';

const APP_ID = 'wxsweep0000000001';
/** The records' retention in this test: short, so the test can outlive it. */
const TTL_S = 15;
const DEAD = 10_000;

/**
 * Issue #17 item 6: the dead-letter indexes, the `dead-letters` jobs and the
 * `callback-dead-letters` jobs used to outlive their records forever; and a worker dying
 * between a record's `dead` and its bury left the message out of every listing.
 */
describe('bounded dead-letter state and the sweep (issue #17, item 6)', () => {
  const keyspace = new Keyspace(uniquePrefix('sweep'));
  let redis: Redis;
  let records: RecordStore;
  let batch: RecordBatch;
  let deadLetterQueue: Queue<DeadLetterJob>;
  let deadCallbacks: Queue;
  let sendQueue: Queue<SendJob>;
  let store: DeadLetterStore;
  let sweep: DeadLetterSweep;

  const newRecord = (): Omit<DeliveryRecord, 'history'> => {
    const now = new Date().toISOString();
    return {
      id: newMessageId(),
      type: 'template',
      appId: APP_ID,
      toUser: 'oSweepUser01',
      templateId: 'TPL',
      status: 'queued',
      attempts: 0,
      createdAt: now,
      updatedAt: now,
      caller: 'orders',
      traceId: 'sweep',
    };
  };

  const createDead = async (count: number): Promise<string[]> => {
    const made = Array.from({ length: count }, () => newRecord());
    for (let i = 0; i < made.length; i += 1000) {
      await batch.createMissing(
        made.slice(i, i + 1000).map((record) => ({
          record,
          message: {
            type: 'template',
            appId: APP_ID,
            toUser: record.toUser,
            templateId: 'TPL',
            data: {},
          },
        })),
      );
    }
    const ids = made.map((r) => r.id);
    for (let i = 0; i < ids.length; i += 1000) {
      await Promise.all(
        ids.slice(i, i + 1000).map((id) =>
          records.transition(id, {
            from: ['queued'],
            to: 'dead',
            set: { lastError: { errcode: 40003, errmsg: 'invalid openid' } },
            event: { event: 'dead' },
            appId: APP_ID,
          }),
        ),
      );
    }
    return ids;
  };

  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    records = new RecordStore({ redis, keyspace, ttlSeconds: TTL_S });
    batch = new RecordBatch({ redis, keyspace, ttlSeconds: TTL_S });
    const opts = { connection: redis, prefix: keyspace.root };
    deadLetterQueue = new Queue<DeadLetterJob>(QUEUE_CATALOGUE.deadLetters.name, opts);
    deadCallbacks = new Queue(QUEUE_CATALOGUE.callbackDeadLetters.name, opts);
    sendQueue = new Queue<SendJob>(SEND_QUEUE, opts);
    store = new DeadLetterStore({ redis, keyspace, records, deadLetterQueue, sendQueue });
    sweep = new DeadLetterSweep({
      redis,
      keyspace,
      store,
      apps: staticAppDirectory([{ appId: APP_ID, appSecret: '' }]),
      deadCallbacks,
      keepMs: TTL_S * 1000,
      intervalMs: 0,
      logger: createLogger({ service: 'worker', level: 'info', silent: true }),
    });
  });

  afterAll(async () => {
    await Promise.all([deadLetterQueue, deadCallbacks, sendQueue].map((q) => q.close()));
    const keys = await scanKeys(redis, `${keyspace.root}:*`);
    if (keys.length > 0) {
      await redis.unlink(...keys);
    }
    await redis.quit();
  });

  it('when 10,000 dead letters outlive the record TTL, then no dead-letter index, job or callback dead letter is left after a sweep', async () => {
    const ids = await createDead(DEAD);
    for (let i = 0; i < ids.length; i += 1000) {
      await Promise.all(
        ids.slice(i, i + 1000).map((id) =>
          store.bury({
            messageId: id,
            appId: APP_ID,
            errcode: 40003,
            errmsg: 'invalid openid',
            traceId: 'sweep',
            deadAt: new Date().toISOString(),
          }),
        ),
      );
    }
    await Promise.all(
      ids
        .slice(0, 100)
        .map((id) => deadCallbacks.add('deadCallback', { messageId: id, reason: 'gave up' })),
    );
    const indexKeys = async () => [
      ...(await scanKeys(redis, `${keyspace.root}:dead-index*`)),
      ...(await scanKeys(redis, `${keyspace.root}:dead-by-caller*`)),
    ];
    expect(await redis.zcard(keyspace.key('dead-index'))).toBe(DEAD);
    expect(await deadLetterQueue.getWaitingCount()).toBe(DEAD);

    // Every record and index key expires by itself; the queues need the sweep.
    await waitFor(async () => (await redis.exists(records.recordKey(ids.at(-1)!))) === 0, {
      timeoutMs: 40_000,
      description: 'the records to expire',
    });
    await waitFor(async () => (await indexKeys()).length === 0, {
      timeoutMs: 40_000,
      description: 'the dead-letter indexes to expire',
    });
    let trimmed = 0;
    await waitFor(
      async () => {
        trimmed += (await sweep.sweepOnce()).trimmed;
        return (
          (await deadLetterQueue.getWaitingCount()) + (await deadCallbacks.getWaitingCount()) === 0
        );
      },
      { timeoutMs: 40_000, intervalMs: 200, description: 'the sweep to trim every job' },
    );

    // Job hashes (and their logs) are named after job ids: message ids, or numbers.
    const jobKeys = [
      ...(await scanKeys(redis, `${keyspace.root}:dead-letters:m*`)).filter(
        (key) => !/:(meta|marker)$/.test(key),
      ),
      ...(await scanKeys(redis, `${keyspace.root}:callback-dead-letters:[0-9]*`)),
    ];
    expect(trimmed).toBe(DEAD + 100);
    expect(await indexKeys()).toEqual([]);
    expect(jobKeys).toEqual([]);
  }, 90_000);

  it('when a record is dead without its dead-letter entry, then one sweep files it and it is listed', async () => {
    const [id] = await createDead(1);
    const before = await store.list({ limit: 10 });

    const report = await sweep.sweepOnce();
    const after = await store.list({ limit: 10 });
    const job = await deadLetterQueue.getJob(id!);

    expect(before.items.map((r) => r.id)).not.toContain(id);
    expect(report.refiled).toBe(1);
    expect(after.items.map((r) => r.id)).toContain(id);
    expect(job?.data).toMatchObject({ messageId: id, appId: APP_ID, errcode: 40003 });
    expect((await sweep.sweepOnce()).refiled).toBe(0);
  });
});
