import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { FaultAction } from '@wechat-dispatch/sandbox';
import { startStack, templateBody, type Stack } from './helpers/stack';

/*
 * #17 item 1, must-show: a 20 s outage of every send — WeChat answering -1, HTTP 502, or never
 * answering — with two apps, two worker processes, SEND_MAX_ATTEMPTS=5 and SEND_BACKOFF_MS=50
 * (before the breaker: all 200 messages dead after 1,000 calls). Real API and worker processes,
 * the in-process sandbox's fault scripting, real Redis. Each scenario prints its numbers.
 */

const APP_A = { appId: 'wxoutage0000000001', appSecret: 'outage-secret-0001' };
const APP_B = { appId: 'wxoutage0000000002', appSecret: 'outage-secret-0002' };
const OUTAGE_MS = 20_000;
const MESSAGES = 200;
const LATE_MESSAGES = 20;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a 20 s WeChat outage with the per-app breaker', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      apps: [APP_A, APP_B],
      workers: 2,
      workerEnv: {
        SEND_MAX_ATTEMPTS: '5',
        SEND_BACKOFF_MS: '50',
        WECHAT_TIMEOUT_MS: '1000',
      },
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const calls = () => {
    const stats = stack.sandbox.stats().sendCalls;
    return {
      a: stats[APP_A.appId]?.template ?? 0,
      b: stats[APP_B.appId]?.template ?? 0,
    };
  };

  const bodies = (count: number, tag: string) =>
    Array.from({ length: count }, (_, i) =>
      templateBody(`oOutage${tag}${String(i).padStart(4, '0')}`, i % 2 ? APP_B.appId : APP_A.appId),
    );

  it.each<[string, string, FaultAction]>([
    ['-1', 'Busy', { errcode: -1 }],
    ['HTTP 502', 'Gateway', { httpStatus: 502 }],
    ['hanging connections', 'Hang', { hang: true }],
  ])(
    'when every send fails with %s for 20 s, then no message dies, WeChat sees about one call per second per app, and all are sent within 30 s of recovery',
    async (what, tag, action) => {
      const before = calls();
      const fault = stack.sandbox.addFault({ match: { api: 'template' }, times: 'always', action });
      const started = Date.now();
      const ids = await stack.postMany(bodies(MESSAGES, tag));
      await sleep(Math.max(0, started + 3000 - Date.now()));
      const afterOpen = calls();
      await sleep(Math.max(0, started + OUTAGE_MS / 2 - Date.now()));
      // Accepted while the breaker is open: 202 and waiting.
      ids.push(...(await stack.postMany(bodies(LATE_MESSAGES, `${tag}Late`))));
      await sleep(Math.max(0, started + OUTAGE_MS - Date.now()));
      const atRecovery = calls();
      stack.sandbox.removeFault(fault.id);
      const recovered = Date.now();

      // Generous: a loaded machine stretches the probe schedule; how long it took is printed.
      const records = await stack.waitForStatus(ids, ['sent', 'dead'], 120_000);
      const dead = records.filter((r) => r.status === 'dead').length;
      const sentAt = records.map((r) => Date.parse(r.sentAt as string));
      const lastSentS = (Math.max(...sentAt) - recovered) / 1000;
      const firstSentS = (Math.min(...sentAt) - recovered) / 1000;
      const outageS = (recovered - started) / 1000;
      const during = { a: atRecovery.a - before.a, b: atRecovery.b - before.b };
      const afterOpening = { a: atRecovery.a - afterOpen.a, b: atRecovery.b - afterOpen.b };
      const maxAttempts = Math.max(...records.map((r) => r.attempts as number));
      console.info(
        `outage (${what}, ${outageS.toFixed(1)} s): ${ids.length} messages, dead ${dead}, ` +
          `sent ${records.length - dead}; WeChat calls during the outage A ${during.a}, ` +
          `B ${during.b} (after its first 3 s: A ${afterOpening.a}, B ${afterOpening.b}); ` +
          `most attempts spent ${maxAttempts}; first sent ${firstSentS.toFixed(1)} s and last ` +
          `sent ${lastSentS.toFixed(1)} s after recovery`,
      );

      expect(dead).toBe(0);
      expect(records.every((r) => r.status === 'sent')).toBe(true);
      // How soon after recovery (the issue asks within 30 s) is printed above, not asserted:
      // the project's tests hold no timing thresholds.
      // The breaker opened within the first 3 s; from then on only its probes reach WeChat:
      // about one per second per app at most (1 s doubling to 60 s: five in 17 s).
      expect(afterOpening.a).toBeLessThanOrEqual(17);
      expect(afterOpening.b).toBeLessThanOrEqual(17);
    },
  );
});
