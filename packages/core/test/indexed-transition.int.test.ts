import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { Keyspace } from '@wechat-dispatch/shared';
import { TEST_REDIS_URL, uniquePrefix } from '@wechat-dispatch/testkit';
import { MsgIdIndex } from '../src/events/msgid-index';
import { RecordBatch } from '../src/records/record-batch';
import { RecordStore } from '../src/records/record-store';
import { dropKeyspace, newRecord, testMessage as message } from './helpers/test-records';

const keyspace = new Keyspace(uniquePrefix('indexed'));
let redis: Redis;
let store: RecordStore;
let batch: RecordBatch;
let msgIds: MsgIdIndex;

async function sendingRecord(): Promise<string> {
  const record = newRecord({ status: 'sending' });
  await batch.createMissing([{ record: record, message: message }]);
  return record.id;
}

function markSent(id: string, msgId: string) {
  return store.transition(id, {
    from: ['sending'],
    to: 'sent',
    set: { wechatMsgId: msgId },
    event: { event: 'sent' },
    index: msgIds.entryFor('wx1', msgId, id),
  });
}

beforeAll(() => {
  redis = new Redis(TEST_REDIS_URL);
  store = new RecordStore({ redis, keyspace, ttlSeconds: 60 });
  batch = new RecordBatch({ redis, keyspace, ttlSeconds: 60 });
  msgIds = new MsgIdIndex({ redis, keyspace, indexTtlSeconds: 60, parkTtlSeconds: 60 });
});

afterAll(() => dropKeyspace(redis, keyspace));

describe('RecordStore', () => {
  describe('transition with a msgid index', () => {
    it('when the transition applies, then the msgid resolves to the message with the record', async () => {
      const id = await sendingRecord();

      const result = await markSent(id, '3487542469355618313');

      expect(result).toEqual({ ok: true, previous: 'sending' });
      expect((await store.get(id))?.status).toBe('sent');
      expect(await msgIds.resolveOrPark('wx1', '3487542469355618313', '{}')).toBe(id);
      expect(await redis.ttl(keyspace.key('msgid', 'wx1', '3487542469355618313'))).toBeGreaterThan(
        0,
      );
    });

    it('when a delivery event was parked for the msgid, then the transition hands it over once', async () => {
      const id = await sendingRecord();
      await msgIds.resolveOrPark('wx1', '1001', '{"delivered":true}');

      const result = await markSent(id, '1001');

      expect(result).toEqual({ ok: true, previous: 'sending', parked: '{"delivered":true}' });
      expect(await redis.exists(keyspace.key('parked-event', 'wx1', '1001'))).toBe(0);
    });

    it('when the status does not allow the transition, then no index entry is written', async () => {
      const id = await sendingRecord();
      await markSent(id, '1002');

      const again = await markSent(id, '1003');

      expect(again).toEqual({ ok: false, current: 'sent' });
      expect(await redis.exists(keyspace.key('msgid', 'wx1', '1003'))).toBe(0);
    });
  });
});
