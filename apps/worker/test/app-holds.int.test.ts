import { afterEach, describe, expect, it } from '@jest/globals';
import { appKeys } from '@wechat-dispatch/core';
import { waitFor } from '@wechat-dispatch/testkit';
import { startInProcessWorker, type InProcessWorker } from './helpers/in-process';
import { mutableDirectory } from './helpers/mutable-directory';
import type { TestApp } from './helpers/stack';

const app = (n: number): TestApp => ({
  appId: `wxholds${String(n).padStart(11, '0')}`,
  appSecret: `holds-secret-${n}`,
});
const A = app(1);
const B = app(2);

/**
 * WeChat answers (the in-process sandbox) may take seconds on a loaded machine: a 300 ms call
 * deadline (the helper's fast default) would turn them into timeouts and retries, which these
 * tests are not about.
 */
const PATIENT = { WECHAT_TIMEOUT_MS: '10000', SEND_MAX_ATTEMPTS: '5' };

/** Waits up to 60 s: these tests move thousands of jobs through one worker. */
const eventually = <T>(probe: () => Promise<T | undefined>, description: string) =>
  waitFor(probe, { intervalMs: 20, timeoutMs: 60000, description });

describe('one send queue for every app: holds and fairness (in process, real Redis, the sandbox)', () => {
  let w: InProcessWorker | undefined;
  const sentTo = (appId: string) => w!.sandbox.messages().filter((m) => m.appid === appId).length;
  const allSent = async (ids: readonly string[]) => {
    const records = await Promise.all(ids.map((id) => w!.records.get(id)));
    return records.every((r) => r?.status === 'sent') ? true : undefined;
  };

  afterEach(async () => {
    await w?.stop();
    w = undefined;
  });

  it('when an app is disabled, then its 100 queued messages wait without a call or an attempt, other apps send, and all 100 go out once it is enabled', async () => {
    const directory = mutableDirectory([A, B]);
    w = await startInProcessWorker({ apps: [A, B], directory, env: PATIENT });
    directory.set({ appId: B.appId, enabled: false });

    const held = await w.enqueueMany(100, { appId: B.appId, toUser: 'oHoldsDisabled01' });
    const other = await w.enqueue({ appId: A.appId, toUser: 'oHoldsEnabled001' });
    await w.waitForStatus(other, ['sent']);
    await eventually(async () => {
      const states = await Promise.all(held.map((id) => w!.sendQueueOf(B.appId).getJobState(id)));
      return states.every((s) => s === 'delayed') ? true : undefined;
    }, 'every job of the disabled app to be set aside');
    const whileDisabled = await Promise.all(held.map((id) => w!.records.get(id)));

    directory.set({ appId: B.appId, enabled: true });
    await eventually(() => allSent(held), 'the 100 messages to be sent after enabling');

    expect(whileDisabled.every((r) => r?.status === 'queued' && r.attempts === 0)).toBe(true);
    expect(sentTo(B.appId)).toBe(100);
  });

  it('when app A has 50,000 queued messages, then app B’s message is sent next, not behind them', async () => {
    w = await startInProcessWorker({
      apps: [A, B],
      env: { ...PATIENT, WORKER_CONCURRENCY: '50' },
    });

    await w.enqueueMany(50000, { appId: A.appId, toUser: 'oHoldsBacklogA01' });
    const sentBefore = sentTo(A.appId);
    const queuedAt = Date.now();
    const id = await w.enqueue({ appId: B.appId, toUser: 'oHoldsQuietB0001' });
    await eventually(
      async () => ((await w!.records.get(id))?.status === 'sent' ? true : undefined),
      'B’s message to be sent',
    );
    const sentMeanwhile = sentTo(A.appId) - sentBefore;
    // Printed for the record (issue #16 asks for at most 2 s); no timing is asserted.
    console.info(
      `A sent ${sentBefore} before B enqueued, ${sentMeanwhile} more until B was sent, ` +
        `${Date.now() - queuedAt} ms after B was queued`,
    );

    // B's message was taken ahead of A's backlog: at most the jobs already in flight (and the
    // next fetches) of A went before it.
    expect(sentMeanwhile).toBeLessThan(500);
    expect(sentTo(A.appId)).toBeLessThan(50000);
  });

  it('when one of 1,000 apps gets 45011, then only it is paused: the other 999 send, and its later messages are set aside without a call', async () => {
    const apps = Array.from({ length: 1000 }, (_, i) => app(100 + i));
    const quota = apps[500]!;
    w = await startInProcessWorker({ apps, env: PATIENT });
    w.sandbox.addFault({ match: { appid: quota.appId }, times: 1, action: { errcode: 45011 } });

    const ids = await Promise.all(
      apps.map((a, i) =>
        w!.enqueue({ appId: a.appId, toUser: `oHolds1000u${String(i).padStart(4, '0')}` }),
      ),
    );
    const quotaId = ids[500]!;
    const paused = await eventually(async () => {
      const record = await w!.records.get(quotaId);
      return record?.history.some((h) => h.event === 'paused') ? record : undefined;
    }, 'the quota app’s message to be paused');
    // 45011 pauses until the next minute, which may come within this test on a slow machine:
    // the pause is held for the rest of the test, as a marker of the same reason.
    const marker = appKeys(w.keyspaceOf(quota.appId), quota.appId).pause;
    await w.redis.set(marker, 'rate_minute', 'PX', 120_000);
    const later = await w.enqueueMany(5, { appId: quota.appId, toUser: 'oHolds1000later' });
    await eventually(() => allSent(ids.filter((id) => id !== quotaId)), 'the other 999 to be sent');
    await eventually(async () => {
      const states = await Promise.all(
        later.map((id) => w!.sendQueueOf(quota.appId).getJobState(id)),
      );
      return states.every((s) => s === 'delayed') ? true : undefined;
    }, 'the paused app’s later jobs to be set aside');

    expect(paused).toMatchObject({ status: 'retrying', attempts: 0 });
    expect(sentTo(quota.appId)).toBe(0);
    expect(w.sandbox.messages({ touser: 'oHolds1000later' })).toHaveLength(0);
    const laterRecords = await Promise.all(later.map((id) => w!.records.get(id)));
    expect(laterRecords.every((r) => r?.status === 'queued' && r.attempts === 0)).toBe(true);
  });

  it('when a rate-capped app has a backlog, then its jobs wait for their slots outside the worker and another app’s message is not held up', async () => {
    const directory = mutableDirectory([A, B]);
    directory.set({ appId: A.appId, ratePerSec: 2 });
    w = await startInProcessWorker({
      apps: [A, B],
      directory,
      env: { ...PATIENT, WORKER_CONCURRENCY: '5' },
    });

    const capped = await w.enqueueMany(40, { appId: A.appId, toUser: 'oHoldsCappedA001' });
    await eventually(async () => {
      const delayed = await w!.sendQueueOf(A.appId).getDelayedCount();
      return delayed >= 30 ? true : undefined;
    }, 'the capped app’s jobs to wait for their slots as delayed jobs');
    const quiet = await w.enqueueMany(10, { appId: B.appId, toUser: 'oHoldsQuietB0002' });
    await eventually(() => allSent(quiet), 'the other app’s 10 messages to be sent');

    // With 5 workers' worth of concurrency, 10 messages of B went out while A, capped at 2 a
    // second, was still far from done: its waiting jobs held no concurrency.
    expect(sentTo(A.appId)).toBeLessThan(capped.length);
  });
});
