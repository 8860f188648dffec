import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import {
  DeadLetterStore,
  QUEUE_CATALOGUE,
  RecordBatch,
  RecordStore,
  newMessageId,
  type DeadLetterJob,
  type SendJob,
} from '@wechat-dispatch/core';
import { Keyspace, createLogger } from '@wechat-dispatch/shared';
import { TEST_REDIS_URL, uniquePrefix, waitFor } from '@wechat-dispatch/testkit';
import { ABANDONED_ERRCODE, createAbandonedSendHandler } from '../src/processors/abandoned-send';

const keyspace = new Keyspace(uniquePrefix('abandon'));
const APP = 'wxabandon000001';
let redis: Redis;
let records: RecordStore;
let batch: RecordBatch;
let sendQueue: Queue<SendJob>;
let deadLetterQueue: Queue<DeadLetterJob>;
let worker: Worker<SendJob>;

beforeAll(() => {
  redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  records = new RecordStore({ redis, keyspace });
  batch = new RecordBatch({ redis, keyspace });
  sendQueue = new Queue<SendJob>('send-abandon', { connection: redis, prefix: keyspace.root });
  deadLetterQueue = new Queue<DeadLetterJob>(QUEUE_CATALOGUE.deadLetters.name, {
    connection: redis,
    prefix: keyspace.root,
  });
  const deadLetters = new DeadLetterStore({
    redis,
    keyspace,
    records,
    deadLetterQueue,
    sendQueue,
  });
  const onFailed = createAbandonedSendHandler({
    records,
    deadLetters,
    logger: createLogger({ service: 'test', silent: true }),
  });
  // A processor that breaks the way a bug would: an exception that is no WeChat answer.
  worker = new Worker<SendJob>(
    'send-abandon',
    async (job) => {
      await records.transition(job.data.messageId, {
        from: ['queued'],
        to: 'sending',
        event: { event: 'sending' },
      });
      throw new Error('unexpected bug');
    },
    { connection: redis, prefix: keyspace.root },
  );
  worker.on('failed', (job, err) => void onFailed(job, err));
});

afterAll(async () => {
  await worker.close();
  await Promise.all([
    sendQueue.obliterate({ force: true }),
    deadLetterQueue.obliterate({ force: true }),
  ]);
  await Promise.all([sendQueue.close(), deadLetterQueue.close()]);
  const keys = await redis.keys(`${keyspace.root}*`);
  if (keys.length > 0) {
    await redis.del(...keys);
  }
  await redis.quit();
});

describe('createAbandonedSendHandler', () => {
  it('when BullMQ gives up on a send for a reason that is no WeChat answer, then the record is dead and filed as a dead letter', async () => {
    const id = newMessageId();
    const now = new Date().toISOString();
    await batch.createMissing([
      {
        record: {
          id,
          type: 'template',
          appId: APP,
          toUser: 'oUser0001',
          templateId: 'TPL',
          status: 'queued',
          attempts: 0,
          createdAt: now,
          updatedAt: now,
          caller: 'c',
          traceId: 't1',
        },
        message: {
          type: 'template',
          appId: APP,
          toUser: 'oUser0001',
          templateId: 'TPL',
          data: { thing1: { value: 'x' } },
        },
      },
    ]);

    await sendQueue.add(
      'sendMessage',
      { messageId: id, appId: APP, traceId: 't1' },
      { jobId: id, attempts: 2 },
    );
    const record = await waitFor(async () => {
      const r = await records.get(id);
      return r?.status === 'dead' ? r : undefined;
    });
    const dlq = await waitFor(() => deadLetterQueue.getJob(id));

    expect(record).toMatchObject({
      status: 'dead',
      lastError: { errcode: ABANDONED_ERRCODE, errmsg: 'abandoned: unexpected bug' },
    });
    expect(dlq.data).toMatchObject({ messageId: id, appId: APP, errcode: ABANDONED_ERRCODE });
    expect((await sendQueue.getJob(id))?.attemptsMade).toBe(2);
  });
});
