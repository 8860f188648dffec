import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type { Queue } from 'bullmq';
import {
  DeadLetterStore,
  RecordStore,
  shardOfMessageId,
  type DeadLetterJob,
  type SendJob,
} from '@wechat-dispatch/core';
import { SendShards } from '@wechat-dispatch/shared';
import { OPS_KEY, bearer, startTestApi, type TestApi } from './helpers/test-api';
import { templateBody } from './helpers/messages';

const SHARDS = 3;
const APP_IDS = Array.from({ length: 12 }, (_, i) => `wxsharddl${String(i).padStart(8, '0')}`);

interface Page {
  items: Array<{ id: string; appId: string; status: string }>;
  nextCursor: string | null;
}

describe(`/v1/dead-letters with SEND_SHARDS=${SHARDS}`, () => {
  let api: TestApi;
  let shards: SendShards;
  /** Dead ids with their death time, as the worker filed them. */
  const dead: Array<{ id: string; at: number }> = [];

  /** Enqueues a message for `appId` and kills it in its shard as the worker would. */
  const killOne = async (appId: string, at: number): Promise<string> => {
    const res = await request(api.app)
      .post('/v1/messages')
      .set(bearer(OPS_KEY))
      .send({ ...templateBody(), appId });
    const id = (res.body as { id: string }).id;
    const shard = shards.shardOf(appId);
    const keyspace = shards.keyspaces[shard]!;
    const records = new RecordStore({ redis: api.redis, keyspace });
    const queues = api.runtime.deps.queues;
    const store = new DeadLetterStore({
      redis: api.redis,
      keyspace,
      records,
      deadLetterQueue: queues.find((q) => q.name === 'dead-letters') as Queue<DeadLetterJob>,
      sendQueue: queues.find(
        (q) => q.name === (shard === 0 ? 'send' : `send-s${shard}`),
      ) as Queue<SendJob>,
    });
    await records.transition(id, { from: ['queued'], to: 'sending', event: { event: 'sending' } });
    await records.transition(id, {
      from: ['sending'],
      to: 'dead',
      set: { lastError: { errcode: 40003, errmsg: 'invalid openid' } },
      event: { event: 'dead', errcode: 40003 },
    });
    await store.bury({
      messageId: id,
      appId,
      errcode: 40003,
      errmsg: 'invalid openid',
      traceId: 't',
      deadAt: new Date(at).toISOString(),
    });
    return id;
  };

  beforeAll(async () => {
    api = await startTestApi({ appIds: APP_IDS, sendShards: SHARDS });
    shards = new SendShards(api.prefix, SHARDS);
    const t0 = Date.now() - 100_000;
    for (const [i, appId] of APP_IDS.entries()) {
      // Pairs of deaths share a time, so ties across shards are ordered too.
      const at = t0 + Math.floor(i / 2) * 1000;
      dead.push({ id: await killOne(appId, at), at });
    }
  });

  afterAll(async () => {
    await api.close();
  });

  it('when the apps span every shard, then their ids name their shards and the queues are per shard', () => {
    expect(new Set(APP_IDS.map((appId) => shards.shardOf(appId))).size).toBe(SHARDS);
    expect(dead.map(({ id }) => shardOfMessageId(id))).toEqual(
      APP_IDS.map((appId) => shards.shardOf(appId)),
    );
    expect(api.runtime.deps.queues.map((q) => q.name)).toEqual(
      expect.arrayContaining(['send', 'send-s1', 'send-s2']),
    );
  });

  it('when an operator pages the dead letters 5 at a time, then every shard’s appear once, newest first (ties by id)', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await request(api.app)
        .get('/v1/dead-letters')
        .query(cursor ? { limit: 5, cursor } : { limit: 5 })
        .set(bearer(OPS_KEY));
      expect(res.status).toBe(200);
      const page = res.body as Page;
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 20);

    const expected = [...dead]
      .sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .map(({ id }) => id);
    expect(seen).toEqual(expected);
  });

  it('when a message of shard 1 or 2 is read and redriven, then its own shard answers', async () => {
    const other = dead.find(({ id }) => (shardOfMessageId(id) ?? 0) > 0)!;

    const read = await request(api.app).get(`/v1/messages/${other.id}`).set(bearer(OPS_KEY));
    const redrive = await request(api.app)
      .post(`/v1/dead-letters/${other.id}/redrive`)
      .set(bearer(OPS_KEY));
    const after = await request(api.app).get(`/v1/messages/${other.id}`).set(bearer(OPS_KEY));

    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: other.id, status: 'dead' });
    expect(redrive.status).toBe(202);
    expect(after.body).toMatchObject({ status: 'queued' });
  });

  it('when /metrics is scraped, then every shard’s send queue and dead letters add up in queue="send"', async () => {
    const res = await request(api.app).get('/metrics');
    const value = (state: string) =>
      Number(
        new RegExp(`^wxd_queue_jobs\\{queue="send",state="${state}"\\} (\\d+)$`, 'm').exec(
          res.text,
        )?.[1],
      );

    expect(res.text).not.toMatch(/queue="send-s\d+"/);
    // Twelve messages were enqueued and killed without a worker (their jobs still wait), and
    // one of them was redriven (its job replaced by the redrive's, one dead letter fewer).
    expect(value('dead')).toBe(APP_IDS.length - 1);
    expect(value('prioritized') + value('waiting')).toBe(APP_IDS.length);
  });
});
