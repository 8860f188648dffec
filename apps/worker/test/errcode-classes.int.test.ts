import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUE_CATALOGUE } from '@wechat-dispatch/core';
import { TEST_REDIS_URL, waitFor } from '@wechat-dispatch/testkit';
import { startStack, templateBody, type Stack } from './helpers/stack';

const APP = { appId: 'wxclass000000000001', appSecret: 'class-secret-0001' };

interface HistoryLine {
  event: string;
  errcode?: number;
}

describe('worker errcode classes', () => {
  let stack: Stack;
  let redis: Redis;
  let deadLetters: Queue;

  beforeAll(async () => {
    stack = await startStack({
      apps: [APP],
      workerEnv: { SEND_BACKOFF_MS: '50', SEND_MAX_ATTEMPTS: '3', WECHAT_TIMEOUT_MS: '500' },
    });
    redis = new Redis(TEST_REDIS_URL);
    deadLetters = new Queue(QUEUE_CATALOGUE.deadLetters.name, {
      connection: redis,
      prefix: `{${stack.prefix}}`,
    });
  });

  afterAll(async () => {
    await deadLetters?.close();
    await stack?.stop();
    const keys = await redis.keys(`{${stack.prefix}}*`);
    if (keys.length > 0) {
      await redis.del(...keys);
    }
    await redis?.quit();
  });

  beforeEach(() => {
    stack.sandbox.clearFaults();
  });

  async function sendTo(toUser: string): Promise<string> {
    const res = await stack.post(templateBody(toUser));
    return ((await res.json()) as { id: string }).id;
  }

  const callsTo = (toUser: string) => stack.sandbox.messages({ touser: toUser }).length;

  it('when WeChat answers 40001 once, then the token is refreshed and the send retried at once without spending an attempt', async () => {
    await stack.waitForStatus([await sendTo('oWarmUp01')], ['sent']);
    stack.sandbox.addFault({
      match: { api: 'template', touser: 'oToken01' },
      times: 1,
      action: { errcode: 40001 },
    });
    const fetchesBefore = stack.sandbox.stats().tokenCalls[APP.appId]?.stable_token ?? 0;

    const id = await sendTo('oToken01');
    const [record] = await stack.waitForStatus([id], ['sent', 'dead']);

    expect(record).toMatchObject({ status: 'sent', attempts: 1 });
    expect((record!.history as HistoryLine[]).find((h) => h.event === 'sent')).toMatchObject({
      tokenRefreshed: true,
    });
    expect(callsTo('oToken01')).toBe(1);
    expect((stack.sandbox.stats().tokenCalls[APP.appId]?.stable_token ?? 0) - fetchesBefore).toBe(
      1,
    );
  });

  it('when WeChat answers -1 twice, then the message is retried with backoff and sent on the third attempt', async () => {
    stack.sandbox.addFault({
      match: { api: 'template', touser: 'oBusy01' },
      times: 2,
      action: { errcode: -1 },
    });

    const id = await sendTo('oBusy01');
    const [record] = await stack.waitForStatus([id], ['sent', 'dead']);

    expect(record).toMatchObject({ status: 'sent', attempts: 3, lastError: { errcode: -1 } });
    expect((record!.history as HistoryLine[]).map((h) => h.event)).toEqual([
      'queued',
      'sending',
      'attempt_failed',
      'sending',
      'attempt_failed',
      'sending',
      'sent',
    ]);
  });

  it.each([
    ['an HTTP 502', { httpStatus: 502 }],
    ['a reset connection', { reset: true }],
    ['a body that is not JSON', { body: '<html>busy</html>' }],
    ['no answer within the timeout', { hang: true }],
  ])('when WeChat gives %s once, then the message is retried and sent', async (_what, action) => {
    const toUser = `oTransport${Math.random().toString(36).slice(2, 8)}`;
    stack.sandbox.addFault({ match: { api: 'template', touser: toUser }, times: 1, action });

    const id = await sendTo(toUser);
    const [record] = await stack.waitForStatus([id], ['sent', 'dead']);

    expect(record).toMatchObject({ status: 'sent', attempts: 2 });
    expect(callsTo(toUser)).toBe(1);
  });

  it('when WeChat keeps answering -1, then the message is dead after SEND_MAX_ATTEMPTS and filed as a dead letter', async () => {
    stack.sandbox.addFault({
      match: { api: 'template', touser: 'oBusy02' },
      times: 'always',
      action: { errcode: -1 },
    });

    const id = await sendTo('oBusy02');
    const [record] = await stack.waitForStatus([id], ['sent', 'dead']);
    const dlqJob = await waitFor(() => deadLetters.getJob(id), {
      description: 'the dead-letter job',
    });

    expect(record).toMatchObject({ status: 'dead', attempts: 3, lastError: { errcode: -1 } });
    expect(dlqJob.data).toMatchObject({ messageId: id, appId: APP.appId, errcode: -1 });
  });

  it('when WeChat answers a permanent errcode, then the message is dead after exactly one call', async () => {
    stack.sandbox.addFault({
      match: { api: 'template', touser: 'oInvalid01' },
      times: 'always',
      action: { errcode: 40003 },
    });
    const faultCalls = () =>
      stack.sandbox.faults().find((f) => f.match.touser === 'oInvalid01')?.applied ?? 0;

    const id = await sendTo('oInvalid01');
    const [record] = await stack.waitForStatus([id], ['sent', 'dead']);
    await waitFor(() => deadLetters.getJob(id), { description: 'the dead-letter job' });

    expect(record).toMatchObject({ status: 'dead', attempts: 1, lastError: { errcode: 40003 } });
    expect(faultCalls()).toBe(1);
  });
});
