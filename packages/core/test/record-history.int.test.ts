import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { Keyspace } from '@wechat-dispatch/shared';
import { TEST_REDIS_URL, uniquePrefix } from '@wechat-dispatch/testkit';
import { MsgIdIndex } from '../src/events/msgid-index';
import { RecordBatch } from '../src/records/record-batch';
import { RecordStore } from '../src/records/record-store';
import { dropKeyspace, newRecord, testMessage as message } from './helpers/test-records';

const keyspace = new Keyspace(uniquePrefix('history'));
let redis: Redis;
let store: RecordStore;
let msgIds: MsgIdIndex;

/** Times a few seconds apart, so every entry's place in the history is known. */
const t = (second: number) => new Date(Date.UTC(2026, 10, 27, 8, 0, second));

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
      await store.claim(record.id, {
        from: ['queued'],
        to: 'sending',
        at: t(1),
        event: { event: 'sending' },
      });
      await store.transition(record.id, {
        from: ['sending'],
        to: 'sent',
        set: { wechatMsgId: '92' },
        incrementAttempts: true,
        at: t(2),
        event: { event: 'sent' },
        index: msgIds.entryFor('wx1', '92', record.id),
      });
      const field = await redis.hget(store.recordKey(record.id), 'history');

      expect(await redis.keys(`${keyspace.root}:msg:${record.id}*`)).toEqual([
        store.recordKey(record.id),
      ]);
      expect(await redis.ttl(store.recordKey(record.id))).toBeGreaterThan(5);
      expect(field?.split('\n').map((line) => JSON.parse(line) as unknown)).toEqual([
        { at: t(0).toISOString(), event: 'queued' },
        { at: t(1).toISOString(), event: 'sending', attempt: 1 },
        { at: t(2).toISOString(), event: 'sent' },
      ]);
      expect((await store.get(record.id))?.history).toEqual([
        { at: t(0).toISOString(), event: 'queued' },
        { at: t(1).toISOString(), event: 'sending', attempt: 1 },
        { at: t(2).toISOString(), event: 'sent' },
      ]);
    });
  });
});

describe('RecordBatch', () => {
  describe('remove', () => {
    it('when records are removed, then their hashes and their app index entries go', async () => {
      const batch = new RecordBatch({ redis, keyspace, ttlSeconds: 60 });
      const kept = newRecord();
      const removed = newRecord();
      await batch.createMissing([kept, removed].map((record) => ({ record, message })));

      await batch.remove([{ id: removed.id, appId: removed.appId }]);

      expect(await redis.exists(store.recordKey(removed.id))).toBe(0);
      expect(await redis.zscore(store.appIndexKey('wx1'), removed.id)).toBeNull();
      expect(await redis.exists(store.recordKey(kept.id))).toBe(1);
      expect(await redis.zscore(store.appIndexKey('wx1'), kept.id)).not.toBeNull();
    });
  });
});
