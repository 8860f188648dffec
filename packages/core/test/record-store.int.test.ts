import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { Keyspace } from '@wechat-dispatch/shared';
import { TEST_REDIS_URL, uniquePrefix } from '@wechat-dispatch/testkit';
import { newMessageId } from '../src/messages/message-id';
import { RecordBatch } from '../src/records/record-batch';
import { RecordStore } from '../src/records/record-store';
import { deliveryRecordSchema } from '../src/records/record.schema';
import { dropKeyspace, newRecord, testMessage as message } from './helpers/test-records';

const keyspace = new Keyspace(uniquePrefix('records'));
let redis: Redis;
let store: RecordStore;
let batch: RecordBatch;

beforeAll(() => {
  redis = new Redis(TEST_REDIS_URL);
  store = new RecordStore({ redis, keyspace, ttlSeconds: 60, historyCap: 3 });
  batch = new RecordBatch({ redis, keyspace, ttlSeconds: 60, historyCap: 3 });
});

afterAll(() => dropKeyspace(redis, keyspace));

describe('RecordStore', () => {
  it('when a record is created, then load returns it with its message and first history entry', async () => {
    const record = newRecord();

    await batch.createMissing([{ record: record, message: message }]);
    const loaded = await store.load(record.id);

    expect(loaded?.message).toEqual(message);
    expect(loaded?.record).toMatchObject({ ...record, history: [{ event: 'queued' }] });
    expect(await redis.ttl(store.recordKey(record.id))).toBeGreaterThan(0);
    expect(await redis.zscore(store.appIndexKey('wx1'), record.id)).not.toBeNull();
  });

  it('when a transition starts from an allowed status, then status, fields, attempts and history change together', async () => {
    const record = newRecord();
    await batch.createMissing([{ record: record, message: message }]);

    const result = await store.transition(record.id, {
      from: ['queued'],
      to: 'sending',
      set: { wechatMsgId: '3487542469355618313', lastError: { errcode: -1, errmsg: 'busy' } },
      incrementAttempts: true,
      event: { event: 'sent' },
    });
    const loaded = await store.get(record.id);

    expect(result).toEqual({ ok: true, previous: 'queued' });
    expect(loaded).toMatchObject({
      status: 'sending',
      attempts: 1,
      wechatMsgId: '3487542469355618313',
      lastError: { errcode: -1, errmsg: 'busy' },
    });
    expect(loaded?.history.map((h) => h.event)).toEqual(['queued', 'sent']);
  });

  it('when a record holds every optional field, then what the store reads is a record of the delivery-record schema', async () => {
    const record = newRecord({
      status: 'scheduled',
      sendAt: '2026-11-27T09:00:00.000Z',
      metadata: { orderId: 'o-1', amount: 12.5, vip: true },
    });
    await batch.createMissing([{ record, message }]);
    await store.transition(record.id, {
      from: ['scheduled'],
      to: 'sending',
      event: { event: 'sending' },
    });
    await store.transition(record.id, {
      from: ['sending'],
      to: 'retrying',
      set: {
        lastError: { errcode: -1, errmsg: 'system error' },
        nextAttemptAt: '2026-11-27T09:01:00.000Z',
      },
      incrementAttempts: true,
      event: { event: 'retrying', errcode: -1, errmsg: 'system error' },
    });
    await store.transition(record.id, {
      from: ['retrying'],
      to: 'sending',
      event: { event: 'sending' },
    });
    await store.transition(record.id, {
      from: ['sending'],
      to: 'sent',
      set: { wechatMsgId: '3487542469355618313', sentAt: '2026-11-27T09:01:01.000Z' },
      event: { event: 'sent' },
    });

    const loaded = await store.get(record.id);

    expect(deliveryRecordSchema.strict().parse(loaded)).toEqual(loaded);
  });

  it('when a transition would move a status backwards, then it is refused before Redis is touched', async () => {
    const record = newRecord();
    await batch.createMissing([{ record: record, message: message }]);

    await expect(
      store.transition(record.id, { from: ['sent'], to: 'queued', event: { event: 'back' } }),
    ).rejects.toThrow('cannot move from sent to queued');
    expect((await store.get(record.id))?.status).toBe('queued');
  });

  it('when a transition starts from a status not allowed, then nothing changes', async () => {
    const record = newRecord();
    await batch.createMissing([{ record: record, message: message }]);

    const result = await store.transition(record.id, {
      from: ['sending'],
      to: 'sent',
      event: { event: 'sent' },
    });

    expect(result).toEqual({ ok: false, current: 'queued' });
    expect((await store.get(record.id))?.status).toBe('queued');
  });

  it('when the record does not exist, then the transition reports no current status', async () => {
    const result = await store.transition(newMessageId(), {
      from: ['queued'],
      to: 'sending',
      event: { event: 'sent' },
    });

    expect(result).toEqual({ ok: false, current: undefined });
  });

  it('when two transitions race from the same status, then exactly one wins', async () => {
    const record = newRecord();
    await batch.createMissing([{ record: record, message: message }]);

    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.transition(record.id, {
          from: ['queued'],
          to: i % 2 === 0 ? 'sending' : 'cancelled',
          event: { event: 'race' },
        }),
      ),
    );

    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it('when history grows past its cap, then only the newest entries are kept', async () => {
    const record = newRecord();
    await batch.createMissing([{ record: record, message: message }]);

    for (let i = 0; i < 5; i++) {
      await store.transition(record.id, {
        from: ['queued'],
        to: 'queued',
        event: { event: `e${i}` },
      });
    }

    expect((await store.get(record.id))?.history.map((h) => h.event)).toEqual(['e2', 'e3', 'e4']);
  });

  it('when claims grow the history past its cap, then only the newest entries are kept', async () => {
    const record = newRecord();
    await batch.createMissing([{ record: record, message: message }]);

    for (let i = 0; i < 4; i++) {
      await store.claim(record.id, {
        from: ['queued', 'sending'],
        to: 'sending',
        event: { event: `c${i}` },
      });
    }

    expect((await store.get(record.id))?.history.map((h) => h.event)).toEqual(['c1', 'c2', 'c3']);
  });

  it('when a transition deletes fields, then those present go and those absent change nothing', async () => {
    const record = newRecord({ nextAttemptAt: '2026-11-27T09:00:00.000Z', sendAt: 'x' });
    await batch.createMissing([{ record, message }]);

    const result = await store.transition(record.id, {
      from: ['queued'],
      to: 'sending',
      unset: ['nextAttemptAt', 'wechatMsgId', 'sendAt'],
      event: { event: 'sending' },
    });
    const hash = await redis.hgetall(store.recordKey(record.id));

    expect(result).toEqual({ ok: true, previous: 'queued' });
    expect(hash).not.toHaveProperty('nextAttemptAt');
    expect(hash).not.toHaveProperty('sendAt');
    expect(hash).toMatchObject({ status: 'sending', appId: 'wx1' });
  });

  it('when a claim applies, then it answers the record as it is after the change and starts attempt attempts + 1', async () => {
    const record = newRecord({ attempts: 2, status: 'retrying' });
    await batch.createMissing([{ record, message }]);

    const claim = await store.claim(record.id, {
      from: ['retrying'],
      to: 'sending',
      at: new Date('2026-11-27T08:00:00.000Z'),
      event: { event: 'sending' },
    });
    const stored = await store.load(record.id);

    expect(claim).toMatchObject({ ok: true, previous: 'retrying', attempt: 3 });
    expect(claim.ok && claim.stored.record).toEqual({ ...stored!.record, history: [] });
    expect(claim.ok && claim.stored.record).toMatchObject({
      status: 'sending',
      updatedAt: '2026-11-27T08:00:00.000Z',
      attempts: 2,
    });
    expect(claim.ok && claim.stored.message).toEqual(message);
    expect(stored?.record.history.at(-1)).toEqual({
      at: '2026-11-27T08:00:00.000Z',
      event: 'sending',
      attempt: 3,
    });
  });

  it('when a claim carries text that JSON escapes, then its history entry reads back as it was given, with its attempt', async () => {
    const record = newRecord();
    await batch.createMissing([{ record, message }]);
    const event = {
      event: 'sending',
      note: 'a/b "quoted" \\ 中文 \n next',
      errcode: -1,
      retry: true,
    };

    await store.claim(record.id, {
      from: ['queued'],
      to: 'sending',
      at: new Date('2026-11-27T08:00:00.000Z'),
      event,
    });
    const stored = await store.load(record.id);

    expect(stored?.record.history.at(-1)).toEqual({
      at: '2026-11-27T08:00:00.000Z',
      ...event,
      attempt: 1,
    });
  });

  it('when a claim is not allowed, then it answers the current status and the app, and changes nothing', async () => {
    const record = newRecord({ status: 'sent' });
    await batch.createMissing([{ record, message }]);

    const claim = await store.claim(record.id, {
      from: ['queued'],
      to: 'sending',
      event: { event: 'sending' },
    });

    expect(claim).toEqual({ ok: false, current: 'sent', appId: 'wx1' });
    expect((await store.get(record.id))?.status).toBe('sent');
  });
});
