import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { Keyspace } from '@wechat-dispatch/shared';
import { TEST_REDIS_URL, uniquePrefix } from '@wechat-dispatch/testkit';
import { MsgIdIndex } from '../src/events/msgid-index';
import { RecordBatch } from '../src/records/record-batch';
import { encodeRecord } from '../src/records/record-codec';
import { RecordStore } from '../src/records/record-store';
import type { DeliveryRecord, HistoryEntry } from '../src/records/record.types';
import { dropKeyspace, newRecord, testMessage as message } from './helpers/test-records';

const keyspace = new Keyspace(uniquePrefix('history'));
let redis: Redis;
let store: RecordStore;
let msgIds: MsgIdIndex;

/** Times a few seconds apart, so every entry's place in the history is known. */
const t = (second: number) => new Date(Date.UTC(2026, 10, 27, 8, 0, second));

/** A record as the previous version wrote it: the hash and a separate history list. */
async function writeOldLayout(
  record: Omit<DeliveryRecord, 'history'>,
  history: HistoryEntry[],
): Promise<void> {
  await redis
    .multi()
    .hset(store.recordKey(record.id), ...encodeRecord(record, message))
    .expire(store.recordKey(record.id), 60)
    .rpush(store.legacyHistoryKey(record.id), ...history.map((entry) => JSON.stringify(entry)))
    .expire(store.legacyHistoryKey(record.id), 60)
    .exec();
}

function claimAt(id: string, second: number, from: DeliveryRecord['status'] = 'queued') {
  return store.claim(id, {
    from: [from],
    to: 'sending',
    at: t(second),
    event: { event: 'sending' },
  });
}

function sendAt(id: string, second: number) {
  return store.transition(id, {
    from: ['sending'],
    to: 'sent',
    set: { wechatMsgId: `9${second}` },
    incrementAttempts: true,
    at: t(second),
    event: { event: 'sent' },
    index: msgIds.entryFor('wx1', `9${second}`, id),
  });
}

const events = async (id: string) =>
  (await store.get(id))?.history.map((entry) => [entry.event, entry.at]);

beforeAll(() => {
  redis = new Redis(TEST_REDIS_URL);
  store = new RecordStore({ redis, keyspace, ttlSeconds: 60 });
  msgIds = new MsgIdIndex({ redis, keyspace, indexTtlSeconds: 60 });
});

afterAll(() => dropKeyspace(redis, keyspace));

describe('RecordStore', () => {
  describe('history', () => {
    it('when a record is created, claimed and sent, then it is one key whose TTL each move refreshes and its history reads in order', async () => {
      const record = newRecord({ createdAt: t(0).toISOString() });
      const shortLived = new RecordBatch({ redis, keyspace, ttlSeconds: 5 });

      await shortLived.createMissing([{ record, message }]);
      await claimAt(record.id, 1);
      await sendAt(record.id, 2);

      expect(await redis.keys(`${keyspace.root}:msg:${record.id}*`)).toEqual([
        store.recordKey(record.id),
      ]);
      expect(await redis.exists(store.legacyHistoryKey(record.id))).toBe(0);
      expect(await redis.ttl(store.recordKey(record.id))).toBeGreaterThan(5);
      expect(await redis.hget(store.recordKey(record.id), 'history')).toBe(
        [
          { at: t(0).toISOString(), event: 'queued' },
          { at: t(1).toISOString(), event: 'sending', attempt: 1 },
          { at: t(2).toISOString(), event: 'sent' },
        ]
          .map((entry) => JSON.stringify(entry))
          .join('\n'),
      );
      expect(await events(record.id)).toEqual([
        ['queued', t(0).toISOString()],
        ['sending', t(1).toISOString()],
        ['sent', t(2).toISOString()],
      ]);
    });

    it('when a record of the previous layout is read, then its list entries are its history', async () => {
      const record = newRecord({ status: 'retrying', attempts: 1 });
      const history = [
        { at: t(0).toISOString(), event: 'queued' },
        { at: t(1).toISOString(), event: 'sending', attempt: 1 },
        { at: t(2).toISOString(), event: 'retrying', errcode: -1, errmsg: 'busy' },
      ];
      await writeOldLayout(record, history);

      const read = await store.get(record.id);

      expect(read?.history).toEqual(history);
      expect(read?.status).toBe('retrying');
    });

    it('when new code moves a record of the previous layout, then it reads the old entries and then the new ones, and the list is left as it was', async () => {
      const record = newRecord({ status: 'retrying', attempts: 1 });
      await writeOldLayout(record, [
        { at: t(0).toISOString(), event: 'queued' },
        { at: t(1).toISOString(), event: 'sending', attempt: 1 },
        { at: t(2).toISOString(), event: 'retrying' },
      ]);

      const claim = await claimAt(record.id, 3, 'retrying');
      await sendAt(record.id, 4);

      expect(claim).toMatchObject({ ok: true, attempt: 2 });
      expect(await events(record.id)).toEqual([
        ['queued', t(0).toISOString()],
        ['sending', t(1).toISOString()],
        ['retrying', t(2).toISOString()],
        ['sending', t(3).toISOString()],
        ['sent', t(4).toISOString()],
      ]);
      expect(await redis.llen(store.legacyHistoryKey(record.id))).toBe(3);
    });

    it('when an old process adds list entries to a record of the new layout, then both read in time order', async () => {
      const record = newRecord({ createdAt: t(0).toISOString() });
      await new RecordBatch({ redis, keyspace }).createMissing([{ record, message }]);
      await redis.hset(store.recordKey(record.id), 'status', 'sending');
      await redis.rpush(
        store.legacyHistoryKey(record.id),
        JSON.stringify({ at: t(1).toISOString(), event: 'sending', attempt: 1 }),
      );

      await sendAt(record.id, 2);

      expect(await events(record.id)).toEqual([
        ['queued', t(0).toISOString()],
        ['sending', t(1).toISOString()],
        ['sent', t(2).toISOString()],
      ]);
    });

    it('when a list entry and a new entry have the same time, then the list entry, written by the older code, reads first', async () => {
      const record = newRecord();
      await writeOldLayout(record, [{ at: t(0).toISOString(), event: 'queued' }]);

      await claimAt(record.id, 0);

      expect(await events(record.id)).toEqual([
        ['queued', t(0).toISOString()],
        ['sending', t(0).toISOString()],
      ]);
    });

    it('when the old list and the new entries together pass the cap, then only the newest are read', async () => {
      const capped = new RecordStore({ redis, keyspace, historyCap: 3 });
      const record = newRecord({ status: 'sending' });
      await writeOldLayout(record, [
        { at: t(0).toISOString(), event: 'queued' },
        { at: t(1).toISOString(), event: 'sending' },
      ]);

      await capped.transition(record.id, {
        from: ['sending'],
        to: 'retrying',
        at: t(2),
        event: { event: 'retrying' },
      });
      await capped.transition(record.id, {
        from: ['retrying'],
        to: 'dead',
        at: t(3),
        event: { event: 'dead' },
      });

      expect((await capped.get(record.id))?.history.map((entry) => entry.event)).toEqual([
        'sending',
        'retrying',
        'dead',
      ]);
    });
  });
});

describe('RecordBatch', () => {
  describe('remove', () => {
    it('when the record is of the previous layout, then both of its keys go', async () => {
      const record = newRecord();
      await writeOldLayout(record, [{ at: t(0).toISOString(), event: 'queued' }]);

      await new RecordBatch({ redis, keyspace }).remove([{ id: record.id, appId: record.appId }]);

      expect(await redis.exists(store.recordKey(record.id))).toBe(0);
      expect(await redis.exists(store.legacyHistoryKey(record.id))).toBe(0);
    });
  });
});
