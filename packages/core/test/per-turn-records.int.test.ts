import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { Keyspace } from '@wechat-dispatch/shared';
import { TEST_REDIS_URL, uniquePrefix } from '@wechat-dispatch/testkit';
import { newMessageId } from '../src/messages/message-id';
import { RecordBatch } from '../src/records/record-batch';
import { RecordStore } from '../src/records/record-store';
import { dropKeyspace, newRecord, testMessage } from './helpers/test-records';

const keyspace = new Keyspace(uniquePrefix('per-turn'));
let redis: Redis;
let perTurn: RecordStore;
let oneByOne: RecordStore;
let batch: RecordBatch;
let scriptCalls = 0;

async function newRecords(count: number): Promise<string[]> {
  const records = Array.from({ length: count }, () => newRecord());
  await batch.createMissing(records.map((record) => ({ record, message: testMessage })));
  return records.map((record) => record.id);
}

const claimRequest = {
  from: ['queued' as const],
  to: 'sending' as const,
  event: { event: 'sending' },
};
const sentRequest = {
  from: ['sending' as const],
  to: 'sent' as const,
  set: { wechatMsgId: '123' },
  incrementAttempts: true,
  event: { event: 'sent' },
};

/** The parts of a stored record and its history that do not depend on when they were written. */
async function settled(store: RecordStore, id: string) {
  const stored = await store.load(id);
  return {
    status: stored?.record.status,
    attempts: stored?.record.attempts,
    wechatMsgId: stored?.record.wechatMsgId,
    events: stored?.record.history.map((entry) => [entry.event, entry.attempt]),
  };
}

beforeAll(() => {
  redis = new Redis(TEST_REDIS_URL);
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = (command: { name: string }, ...rest: unknown[]) => {
    if (command.name === 'evalsha' || command.name === 'eval') {
      scriptCalls += 1;
    }
    return send(command as never, ...(rest as []));
  };
  perTurn = new RecordStore({ redis, keyspace, ttlSeconds: 60, perTurn: true });
  oneByOne = new RecordStore({ redis, keyspace, ttlSeconds: 60 });
  batch = new RecordBatch({ redis, keyspace, ttlSeconds: 60 });
});

afterAll(() => dropKeyspace(redis, keyspace));

describe('RecordStore with perTurn', () => {
  it('when five messages are claimed and then sent in one turn each, then each turn is one script call and every record ends as one by one', async () => {
    const batched = await newRecords(5);
    const single = await newRecords(5);
    await perTurn.claim(batched[0]!, claimRequest); // the scripts are loaded on the connection

    const before = scriptCalls;
    const claims = await Promise.all(batched.slice(1).map((id) => perTurn.claim(id, claimRequest)));
    const claimCalls = scriptCalls - before;
    const sent = await Promise.all(batched.map((id) => perTurn.transition(id, sentRequest)));
    const sentCalls = scriptCalls - before - claimCalls;
    await oneByOne.claim(single[0]!, claimRequest);
    const singleClaims = await Promise.all(
      single.slice(1).map((id) => oneByOne.claim(id, claimRequest)),
    );
    const singleSent = await Promise.all(single.map((id) => oneByOne.transition(id, sentRequest)));

    expect(claimCalls).toBe(1);
    expect(sentCalls).toBe(1);
    expect(claims.map((claim) => claim.ok && claim.attempt)).toEqual(
      singleClaims.map((claim) => claim.ok && claim.attempt),
    );
    expect(claims.map((claim) => claim.ok && claim.stored.message)).toEqual(
      singleClaims.map((claim) => claim.ok && claim.stored.message),
    );
    expect(sent).toEqual(singleSent);
    for (let i = 0; i < 5; i += 1) {
      expect(await settled(perTurn, batched[i]!)).toEqual(await settled(oneByOne, single[i]!));
    }
    expect(await settled(perTurn, batched[0]!)).toEqual({
      status: 'sent',
      attempts: 1,
      wechatMsgId: '123',
      events: [
        ['queued', undefined],
        ['sending', 1],
        ['sent', undefined],
      ],
    });
  });

  it('when one turn claims the same message twice, a missing one and a sent one, then each gets its own answer, in order', async () => {
    const [fresh, done] = await newRecords(2);
    await oneByOne.claim(done!, claimRequest);
    await oneByOne.transition(done!, sentRequest);

    const [first, second, missing, alreadySent] = await Promise.all([
      perTurn.claim(fresh!, claimRequest),
      perTurn.claim(fresh!, claimRequest),
      perTurn.claim(newMessageId(), claimRequest),
      perTurn.claim(done!, claimRequest),
    ]);

    expect(first).toMatchObject({ ok: true, previous: 'queued', attempt: 1 });
    expect(second).toEqual({ ok: false, current: 'sending', appId: 'wx1' });
    expect(missing).toEqual({ ok: false, current: undefined, appId: undefined });
    expect(alreadySent).toEqual({ ok: false, current: 'sent', appId: 'wx1' });
  });

  it('when one run of a turn fails, then only its call fails, with its error, and the others stand', async () => {
    const [good] = await newRecords(1);
    const broken = newMessageId();
    await redis.set(perTurn.recordKey(broken), 'not a hash');

    const answers = await Promise.allSettled([
      perTurn.claim(good!, claimRequest),
      perTurn.claim(broken, claimRequest),
    ]);

    expect(answers.map((answer) => answer.status)).toEqual(['fulfilled', 'rejected']);
    expect(String((answers[1] as PromiseRejectedResult).reason)).toContain('WRONGTYPE');
    expect((answers[0] as PromiseFulfilledResult<unknown>).value).toMatchObject({ ok: true });
    expect(await settled(oneByOne, good!)).toMatchObject({ status: 'sending' });
  });
});
