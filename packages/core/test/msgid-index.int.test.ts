import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { Keyspace } from '@wechat-dispatch/shared';
import { TEST_REDIS_URL, uniquePrefix } from '@wechat-dispatch/testkit';
import { MsgIdIndex } from '../src/events/msgid-index';
import { dropKeyspace } from './helpers/test-records';

const DAY_MS = 86_400_000;
const WEEK_SECONDS = 7 * 86_400;
/** A minute after midnight UTC: the clock of the index, so the day buckets are known. */
const NOW = Date.UTC(2026, 10, 26, 0, 1);
const TODAY = Math.floor(NOW / DAY_MS);

const keyspace = new Keyspace(uniquePrefix('msgid-index'));
let redis: Redis;
let msgIds: MsgIdIndex;
let apps = 0;

/** An app id of its own, so each test has its own buckets and keys. */
const newApp = () => `wx${++apps}`;
const bucket = (appId: string, day: number) => keyspace.key('msgid-index', appId, String(day));
const parkedKey = (appId: string, msgId: string) => keyspace.key('parked-event', appId, msgId);

beforeAll(() => {
  redis = new Redis(TEST_REDIS_URL);
  msgIds = new MsgIdIndex({
    redis,
    keyspace,
    indexTtlSeconds: WEEK_SECONDS,
    parkTtlSeconds: 60,
    now: () => NOW,
  });
});

afterAll(() => dropKeyspace(redis, keyspace));

describe('MsgIdIndex', () => {
  describe('resolveOrPark', () => {
    it('when the msgid was indexed three days ago, then it answers the message id and parks nothing', async () => {
      const app = newApp();
      await redis.hset(bucket(app, TODAY - 3), '3487542469355618313', 'm-three-days');

      const id = await msgIds.resolveOrPark(app, '3487542469355618313', '{}');

      expect(id).toBe('m-three-days');
      expect(await redis.exists(parkedKey(app, '3487542469355618313'))).toBe(0);
    });

    it("when the msgid is in the window's oldest bucket or in tomorrow's (a writer's clock ahead), then it answers the message id", async () => {
      const app = newApp();
      await redis.hset(bucket(app, TODAY - 8), '4001', 'm-oldest');
      await redis.hset(bucket(app, TODAY + 1), '4002', 'm-tomorrow');

      const oldest = await msgIds.resolveOrPark(app, '4001', '{}');
      const tomorrow = await msgIds.resolveOrPark(app, '4002', '{}');

      expect([oldest, tomorrow]).toEqual(['m-oldest', 'm-tomorrow']);
    });

    it('when the msgid is only in a bucket older than the window, then the event is parked', async () => {
      const app = newApp();
      await redis.hset(bucket(app, TODAY - 9), '4003', 'm-too-old');

      const id = await msgIds.resolveOrPark(app, '4003', '{"delivered":true}');

      expect(id).toBeUndefined();
      expect(await redis.get(parkedKey(app, '4003'))).toBe('{"delivered":true}');
      expect(await redis.ttl(parkedKey(app, '4003'))).toBeGreaterThan(0);
    });

    it('when the previous version indexed the msgid in its own key, then it answers the message id', async () => {
      const app = newApp();
      await redis.set(keyspace.key('msgid', app, '4004'), 'm-legacy', 'EX', WEEK_SECONDS);

      const id = await msgIds.resolveOrPark(app, '4004', '{}');

      expect(id).toBe('m-legacy');
      expect(await redis.exists(parkedKey(app, '4004'))).toBe(0);
    });
  });

  describe('indexSent', () => {
    it("when a message is indexed, then a later event resolves to it from today's bucket", async () => {
      const app = newApp();

      const parked = await msgIds.indexSent(app, '5001', 'm-sent');

      expect(parked).toBeUndefined();
      expect(await redis.hget(bucket(app, TODAY), '5001')).toBe('m-sent');
      expect(await redis.ttl(bucket(app, TODAY))).toBeGreaterThan(WEEK_SECONDS);
      expect(await redis.exists(keyspace.key('msgid', app, '5001'))).toBe(0);
      expect(await msgIds.resolveOrPark(app, '5001', '{}')).toBe('m-sent');
    });

    it('when an event arrived before the message was indexed, then indexing hands it over once', async () => {
      const app = newApp();
      await msgIds.resolveOrPark(app, '5002', '{"delivered":false}');

      const parked = await msgIds.indexSent(app, '5002', 'm-late');

      expect(parked).toBe('{"delivered":false}');
      expect(await redis.exists(parkedKey(app, '5002'))).toBe(0);
      expect(await msgIds.indexSent(app, '5002', 'm-late')).toBeUndefined();
    });
  });
});
