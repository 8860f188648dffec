import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { appKeys } from '@wechat-dispatch/core';
import type { FaultAction } from '@wechat-dispatch/sandbox';
import { waitFor } from '@wechat-dispatch/testkit';
import { startInProcessWorker, type InProcessWorker } from './helpers/in-process';

const MAIN = { appId: 'wxsendproc00000001', appSecret: 'send-proc-secret-1' };
const MINUTE = { appId: 'wxsendproc00000002', appSecret: 'send-proc-secret-2' };
const DAILY = { appId: 'wxsendproc00000003', appSecret: 'send-proc-secret-3' };
const MISCONFIGURED = { appId: 'wxsendproc00000004', appSecret: 'send-proc-secret-4' };

/** The events of a record's history, in order. */
const eventsOf = (record: { history: Array<{ event: string }> }) =>
  record.history.map((h) => h.event);

describe('send processor (in process: compose.ts, real Redis, the sandbox)', () => {
  let w: InProcessWorker;
  let n = 0;
  /** A recipient no other test uses. */
  const nextUser = () => `oSendProc${String(++n).padStart(4, '0')}`;
  const callsTo = (toUser: string) => w.sandbox.messages({ touser: toUser }).length;
  const faultFor = (toUser: string, action: FaultAction, times: number | 'always' = 1) =>
    w.sandbox.addFault({ match: { api: 'template', touser: toUser }, times, action });
  const tokenFetches = (appId: string) => w.sandbox.stats().tokenCalls[appId]?.stable_token ?? 0;
  const pauseLeft = (appId: string) => w.redis.pttl(appKeys(w.keyspaceOf(appId), appId).pause);

  beforeAll(async () => {
    w = await startInProcessWorker({
      apps: [MAIN, MINUTE, DAILY, MISCONFIGURED],
      workerApps: [MAIN, MINUTE, DAILY, { ...MISCONFIGURED, appSecret: 'the-wrong-secret' }],
    });
    // The first send fetches MAIN's token, so the token tests below start from a cached one.
    const warmUp = await w.enqueue({ toUser: nextUser() });
    await w.waitForStatus(warmUp, ['sent']);
  });

  afterAll(async () => {
    await w?.stop();
  });

  beforeEach(() => {
    w.sandbox.clearFaults();
  });

  describe('when WeChat accepts the message', () => {
    it('then the record is sent after one call, with WeChat’s msgid', async () => {
      const toUser = nextUser();

      const record = await w.waitForStatus(await w.enqueue({ toUser }), ['sent', 'dead']);

      const [delivered] = w.sandbox.messages({ touser: toUser });
      expect(record).toMatchObject({ status: 'sent', attempts: 1, wechatMsgId: delivered!.msgid });
      expect(eventsOf(record)).toEqual(['queued', 'sending', 'sent']);
      expect(callsTo(toUser)).toBe(1);
    });
  });

  describe('when WeChat answers a token error (40001)', () => {
    it('then the token is refreshed once and the send retried at once without spending an attempt', async () => {
      const toUser = nextUser();
      faultFor(toUser, { errcode: 40001 });
      const fetchesBefore = tokenFetches(MAIN.appId);

      const record = await w.waitForStatus(await w.enqueue({ toUser }), ['sent', 'dead']);

      expect(record).toMatchObject({ status: 'sent', attempts: 1 });
      expect(eventsOf(record)).toEqual(['queued', 'sending', 'sent']);
      expect(record.history.at(-1)).toMatchObject({ tokenRefreshed: true });
      expect(tokenFetches(MAIN.appId) - fetchesBefore).toBe(1);
      expect(callsTo(toUser)).toBe(1);
    });
  });

  describe('when WeChat fails transiently', () => {
    it.each<[string, FaultAction]>([
      ['system busy (-1)', { errcode: -1 }],
      ['an HTTP 502', { httpStatus: 502 }],
      ['a reset connection', { reset: true }],
      ['a body that is not JSON', { body: '<html>busy</html>' }],
      ['no answer within the timeout', { hang: true }],
    ])(
      'with %s once, then the message is retried after a backoff, spending an attempt, and sent',
      async (_what, action) => {
        const toUser = nextUser();
        faultFor(toUser, action);

        const record = await w.waitForStatus(await w.enqueue({ toUser }), ['sent', 'dead']);

        const failed = record.history.find((h) => h.event === 'attempt_failed');
        expect(record).toMatchObject({ status: 'sent', attempts: 2 });
        expect(eventsOf(record)).toEqual([
          'queued',
          'sending',
          'attempt_failed',
          'sending',
          'sent',
        ]);
        expect(failed).toMatchObject({ attempt: 1, errorClass: 'transient' });
        expect(Date.parse(failed!.nextAttemptAt as string)).toBeGreaterThanOrEqual(
          Date.parse(failed!.at),
        );
        expect(callsTo(toUser)).toBe(1);
      },
    );

    it('every time, then the message is dead after SEND_MAX_ATTEMPTS and filed as a dead letter', async () => {
      const toUser = nextUser();
      faultFor(toUser, { errcode: -1 }, 'always');

      const id = await w.enqueue({ toUser });
      const record = await w.waitForStatus(id, ['sent', 'dead']);
      const deadLetter = await w.deadLetter(id);

      expect(record).toMatchObject({ status: 'dead', attempts: 3, lastError: { errcode: -1 } });
      expect(deadLetter).toMatchObject({ messageId: id, appId: MAIN.appId, errcode: -1 });
    });
  });

  describe('when WeChat answers a quota error', () => {
    it.each([
      ['the minute quota (45011)', MINUTE, 45011, 'rate_minute'],
      ['the daily quota (45009)', DAILY, 45009, 'rate_daily'],
    ])(
      'of %s, then the app is paused without spending an attempt, and other apps keep sending',
      async (_what, app, errcode, errorClass) => {
        const toUser = nextUser();
        w.sandbox.addFault({ match: { appid: app.appId }, times: 1, action: { errcode } });

        const id = await w.enqueue({ toUser, appId: app.appId });
        const record = await w.waitForEvent(id, 'paused');
        const job = await waitFor(
          async () => {
            const held = await w.sendQueueOf(app.appId).getJob(id);
            return (await held?.isDelayed()) ? held : undefined;
          },
          { intervalMs: 10, timeoutMs: 2000, description: 'the job to be set aside' },
        );
        const other = await w.waitForStatus(await w.enqueue({ toUser: nextUser() }), ['sent']);

        expect(record).toMatchObject({ status: 'retrying', attempts: 0, lastError: { errcode } });
        expect(record.history.at(-1)).toMatchObject({ event: 'paused', errorClass });
        expect(await pauseLeft(app.appId)).toBeGreaterThan(0);
        expect(await w.redis.get(w.keyspaceOf(app.appId).key('pause', app.appId))).toBe(errorClass);
        expect(job?.attemptsMade).toBe(0);
        expect(other.status).toBe('sent');
        expect(callsTo(toUser)).toBe(0);
      },
    );
  });

  describe('when the token endpoint answers a configuration error (a wrong secret)', () => {
    it('then the message waits without spending an attempt and readiness names the app', async () => {
      const id = await w.enqueue({ toUser: nextUser(), appId: MISCONFIGURED.appId });

      const record = await w.waitForEvent(id, 'paused');
      const readiness = await w.runtime.readiness();

      expect(record).toMatchObject({ attempts: 0, lastError: { errcode: 40125 } });
      expect(record.history.find((h) => h.event === 'paused')).toMatchObject({
        errorClass: 'config',
      });
      expect(readiness).toMatchObject({
        ready: true,
        tokenConfigErrors: { [MISCONFIGURED.appId]: { errcode: 40125 } },
      });
      expect(w.sandbox.messages({ appid: MISCONFIGURED.appId })).toHaveLength(0);
    });
  });

  describe('when WeChat answers a permanent errcode', () => {
    it.each([
      ['an invalid openid (40003)', 40003],
      ['a refused subscription (43101)', 43101],
      ['invalid template data (47003)', 47003],
    ])(
      'of %s, then the message is dead after exactly one call and filed as a dead letter',
      async (_what, errcode) => {
        const toUser = nextUser();
        const fault = faultFor(toUser, { errcode }, 'always');

        const id = await w.enqueue({ toUser });
        const record = await w.waitForStatus(id, ['sent', 'dead']);
        const deadLetter = await w.deadLetter(id);

        expect(record).toMatchObject({ status: 'dead', attempts: 1, lastError: { errcode } });
        expect(eventsOf(record)).toEqual(['queued', 'sending', 'dead']);
        expect(w.sandbox.faults().find((f) => f.id === fault.id)?.applied).toBe(1);
        expect(deadLetter).toMatchObject({ messageId: id, appId: MAIN.appId, errcode });
      },
    );
  });
});
