import { afterEach, describe, expect, it } from '@jest/globals';
import { waitFor } from '@wechat-dispatch/testkit';
import { startInProcessWorker, type InProcessWorker } from './helpers/in-process';

/*
 * The per-app circuit breaker (#17 item 1), in-process against the sandbox on real Redis, with
 * short probe intervals. The 20 s outages of the must-show list run on real processes in
 * circuit-breaker-outage.int.test.ts.
 */

const APP = { appId: 'wxbreaker000000001', appSecret: 'breaker-secret-0001' };
const OTHER = { appId: 'wxbreaker000000002', appSecret: 'breaker-secret-0002' };

const FAST_BREAKER = {
  BREAKER_FAILURES: '5',
  BREAKER_PROBE_MIN_MS: '200',
  BREAKER_PROBE_MAX_MS: '400',
  SEND_MAX_ATTEMPTS: '3',
  WORKER_CONCURRENCY: '10',
};

describe('per-app circuit breaker', () => {
  let worker: InProcessWorker | undefined;

  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
  });

  const sendCalls = (w: InProcessWorker, appId: string) =>
    w.sandbox.stats().sendCalls[appId]?.template ?? 0;

  it('when different messages of one app keep failing with -1, then its breaker opens: no attempt is spent, /readyz names it (still ready), the metric says 1, and on recovery every message is sent and the breaker closes', async () => {
    worker = await startInProcessWorker({ apps: [APP, OTHER], env: FAST_BREAKER });
    const w = worker;
    const fault = w.sandbox.addFault({
      match: { api: 'template', appid: APP.appId },
      times: 'always',
      action: { errcode: -1 },
    });
    const ids = await w.enqueueMany(30, { toUser: 'oBreakerUser01', appId: APP.appId });

    const readiness = await waitFor(
      async () => {
        const r = await w.runtime.readiness();
        return (r.openBreakers as string[]).includes(APP.appId) ? r : undefined;
      },
      { intervalMs: 20, timeoutMs: 5000, description: 'the breaker to open' },
    );
    expect(readiness).toMatchObject({ ready: true, openBreakers: [APP.appId] });
    expect(await w.runtime.registry.metrics()).toContain(
      `wxd_breaker_open{app_id="${APP.appId}"} 1`,
    );

    // The other app is not held back.
    const otherId = await w.enqueue({ toUser: 'oBreakerUser02', appId: OTHER.appId });
    await w.waitForStatus(otherId, ['sent']);

    // Open for a while: only probes reach WeChat, and nobody dies.
    const callsAtOpen = w.sandbox.faults().find((f) => f.id === fault.id)!.applied;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const callsWhileOpen = w.sandbox.faults().find((f) => f.id === fault.id)!.applied - callsAtOpen;
    // Probes 200 ms then 400 ms apart: at most a handful in 1.5 s.
    expect(callsWhileOpen).toBeLessThanOrEqual(6);
    const during = await Promise.all(ids.map((id) => w.records.get(id)));
    expect(during.filter((r) => r?.status === 'dead')).toHaveLength(0);
    expect(Math.max(...during.map((r) => r?.attempts ?? 0))).toBeLessThan(3);

    w.sandbox.clearFaults();
    for (const id of ids) {
      await waitFor(async () => (await w.records.get(id))?.status === 'sent', {
        intervalMs: 20,
        timeoutMs: 5000,
        description: `${id} to be sent`,
      });
    }
    const after = await waitFor(
      async () => {
        const r = await w.runtime.readiness();
        return (r.openBreakers as string[]).length === 0 ? r : undefined;
      },
      { intervalMs: 20, timeoutMs: 3000, description: 'the breaker to close' },
    );
    expect(after.ready).toBe(true);
    expect(await w.runtime.registry.metrics()).toContain(
      `wxd_breaker_open{app_id="${APP.appId}"} 0`,
    );
    const history = (await w.records.get(ids[0]!))!.history.map((h) => h.event);
    expect(history).toContain('sent');
  });

  it("when one message fails with -1 every time while the app's other messages are sent, then it still spends its own attempts and is dead-lettered; the breaker never opens", async () => {
    worker = await startInProcessWorker({ apps: [APP], env: FAST_BREAKER });
    const w = worker;
    w.sandbox.addFault({
      match: { api: 'template', touser: 'oBreakerBad01' },
      times: 'always',
      action: { errcode: -1 },
    });
    const bad = await w.enqueue({ toUser: 'oBreakerBad01' });
    const good: string[] = [];
    let done = false;
    const stream = (async () => {
      while (!done) {
        good.push(await w.enqueue({ toUser: 'oBreakerGood01' }));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();

    const record = await w.waitForStatus(bad, ['dead']);
    done = true;
    await stream;

    expect(record).toMatchObject({ status: 'dead', attempts: 3, lastError: { errcode: -1 } });
    expect(record.history.map((h) => h.event)).not.toContain('breaker_open');
    expect((await w.deadLetter(bad)).messageId).toBe(bad);
    expect((await w.runtime.readiness()).openBreakers).toEqual([]);
    for (const id of good) {
      await w.waitForStatus(id, ['sent']);
    }
    expect(sendCalls(w, APP.appId)).toBeGreaterThanOrEqual(good.length + 3);
  });

  it('when two messages of a quiet app keep failing with -1, then the first one out of attempts opens the breaker instead of dying, and both are sent once WeChat answers', async () => {
    worker = await startInProcessWorker({ apps: [APP], env: FAST_BREAKER });
    const w = worker;
    w.sandbox.addFault({ match: { api: 'template' }, times: 'always', action: { errcode: -1 } });
    const ids = [
      await w.enqueue({ toUser: 'oBreakerQuiet01' }),
      await w.enqueue({ toUser: 'oBreakerQuiet02' }),
    ];

    await waitFor(
      async () => ((await w.runtime.readiness()).openBreakers as string[]).length === 1,
      { intervalMs: 20, timeoutMs: 5000, description: 'the breaker to open' },
    );
    w.sandbox.clearFaults();
    const records = await Promise.all(ids.map((id) => w.waitForStatus(id, ['sent', 'dead'])));

    expect(records.map((r) => r.status)).toEqual(['sent', 'sent']);
  });
});
