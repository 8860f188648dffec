import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { Keyspace } from '@wechat-dispatch/shared';
import { TEST_REDIS_URL, uniquePrefix } from '@wechat-dispatch/testkit';
import { MsgIdIndex } from '../src/events/msgid-index';
import { RecordBatch } from '../src/records/record-batch';
import { RecordStore } from '../src/records/record-store';
import { dropKeyspace, newRecord, testMessage as message } from './helpers/test-records';

const DAY_MS = 86_400_000;
const INDEX_TTL = 60;
/** Noon UTC: the clock of every index in this file, so the day bucket is known. */
const NOW = Date.UTC(2026, 10, 26, 12);
const TODAY = Math.floor(NOW / DAY_MS);

const keyspace = new Keyspace(uniquePrefix('indexed'));
let redis: Redis;
let store: RecordStore;
let perTurn: RecordStore;
let batch: RecordBatch;
let msgIds: MsgIdIndex;
let apps = 0;

/** An app id of its own, so each test has its own day bucket. */
const newApp = () => `wx${++apps}`;
const bucketOf = (appId: string) => keyspace.key('msgid-index', appId, String(TODAY));

async function sendingRecord(): Promise<string> {
  const record = newRecord({ status: 'sending' });
  await batch.createMissing([{ record: record, message: message }]);
  return record.id;
}

function markSent(id: string, appId: string, msgId: string, on = store) {
  return on.transition(id, {
    from: ['sending'],
    to: 'sent',
    set: { wechatMsgId: msgId },
    event: { event: 'sent' },
    index: msgIds.entryFor(appId, msgId, id),
  });
}

beforeAll(() => {
  redis = new Redis(TEST_REDIS_URL);
  store = new RecordStore({ redis, keyspace, ttlSeconds: 60 });
  perTurn = new RecordStore({ redis, keyspace, ttlSeconds: 60, perTurn: true });
  batch = new RecordBatch({ redis, keyspace, ttlSeconds: 60 });
  msgIds = new MsgIdIndex({
    redis,
    keyspace,
    indexTtlSeconds: INDEX_TTL,
    parkTtlSeconds: 60,
    now: () => NOW,
  });
});

afterAll(() => dropKeyspace(redis, keyspace));

describe('RecordStore', () => {
  describe('transition with a msgid index', () => {
    it("when the transition applies, then the msgid is a field of the app's day bucket, which lives one day longer than the index TTL, and no per-msgid key is written", async () => {
      const app = newApp();
      const id = await sendingRecord();

      const result = await markSent(id, app, '3487542469355618313');

      expect(result).toEqual({ ok: true, previous: 'sending' });
      expect((await store.get(id))?.status).toBe('sent');
      expect(await redis.hgetall(bucketOf(app))).toEqual({ '3487542469355618313': id });
      const ttl = await redis.ttl(bucketOf(app));
      expect(ttl).toBeGreaterThan(INDEX_TTL);
      expect(ttl).toBeLessThanOrEqual(INDEX_TTL + 86_400);
      expect(await redis.exists(keyspace.key('msgid', app, '3487542469355618313'))).toBe(0);
      expect(await msgIds.resolveOrPark(app, '3487542469355618313', '{}')).toBe(id);
    });

    it('when a second message is indexed into an existing bucket, then the bucket keeps its TTL', async () => {
      const app = newApp();
      await markSent(await sendingRecord(), app, '2001');
      await redis.expire(bucketOf(app), 100);
      const second = await sendingRecord();

      await markSent(second, app, '2002');

      expect(await redis.hget(bucketOf(app), '2002')).toBe(second);
      expect(await redis.ttl(bucketOf(app))).toBeLessThanOrEqual(100);
    });

    it('when a delivery event was parked for the msgid, then the transition hands it over once', async () => {
      const app = newApp();
      const id = await sendingRecord();
      expect(await msgIds.resolveOrPark(app, '1001', '{"delivered":true}')).toBeUndefined();

      const result = await markSent(id, app, '1001');

      expect(result).toEqual({ ok: true, previous: 'sending', parked: '{"delivered":true}' });
      expect(await redis.exists(keyspace.key('parked-event', app, '1001'))).toBe(0);
      expect(await msgIds.resolveOrPark(app, '1001', '{}')).toBe(id);
    });

    it('when the status does not allow the transition, then no index entry is written', async () => {
      const app = newApp();
      const id = await sendingRecord();
      await markSent(id, app, '1002');

      const again = await markSent(id, app, '1003');

      expect(again).toEqual({ ok: false, current: 'sent' });
      expect(await redis.hexists(bucketOf(app), '1003')).toBe(0);
    });

    it('when several sents run in one turn, then each indexes its own msgid and takes only its own parked event', async () => {
      const app = newApp();
      const ids = [await sendingRecord(), await sendingRecord(), await sendingRecord()];
      await msgIds.resolveOrPark(app, '3002', '{"for":"3002"}');

      const results = await Promise.all(
        ids.map((id, i) => markSent(id, app, `300${i + 1}`, perTurn)),
      );

      expect(results).toEqual([
        { ok: true, previous: 'sending' },
        { ok: true, previous: 'sending', parked: '{"for":"3002"}' },
        { ok: true, previous: 'sending' },
      ]);
      expect(await redis.hgetall(bucketOf(app))).toEqual({
        '3001': ids[0],
        '3002': ids[1],
        '3003': ids[2],
      });
    });
  });
});
