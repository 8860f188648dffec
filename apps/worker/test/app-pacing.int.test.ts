import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { TEST_REDIS_URL, freePort, waitFor } from '@wechat-dispatch/testkit';
import { maxInWindow } from './helpers/windows';
import { startStack, templateBody, type Stack } from './helpers/stack';

const APP_A = { appId: 'wxpaceaaaaaaaaaaaa1', appSecret: 'pace-secret-a' };
const APP_B = { appId: 'wxpacebbbbbbbbbbbb2', appSecret: 'pace-secret-b' };

interface HistoryLine {
  event: string;
  errcode?: number;
}

async function cleanup(stack: Stack | undefined): Promise<void> {
  if (!stack) {
    return;
  }
  await stack.stop();
  const redis = new Redis(TEST_REDIS_URL);
  const keys = await redis.keys(`{${stack.prefix}}*`);
  if (keys.length > 0) {
    await redis.del(...keys);
  }
  await redis.quit();
}

describe('per-app pacing (WECHAT_RATE_LIMIT_PER_SEC)', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      apps: [APP_A],
      workers: 2,
      workerEnv: { WECHAT_RATE_LIMIT_PER_SEC: '20', WORKER_CONCURRENCY: '50' },
    });
  });

  afterAll(() => cleanup(stack));

  it('when two workers drain 100 messages with a cap of 20/s, then WeChat never sees more than 20 in any second', async () => {
    const ids = await stack.postMany(
      Array.from({ length: 100 }, (_, i) => templateBody(`oPace${i}`)),
    );

    await stack.waitForStatus(ids, ['sent']);
    const times = stack.sandbox.messages({ appid: APP_A.appId }).map((m) => Date.parse(m.at));
    const peak = maxInWindow(times, 1000);
    const spanMs = Math.max(...times) - Math.min(...times);
    console.info(`pacing: 100 sends over ${spanMs} ms, peak ${peak} in any 1 s window (cap 20)`);

    expect(times).toHaveLength(100);
    expect(peak).toBeLessThanOrEqual(20);
  });
});

describe('quota pauses (45011)', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ apps: [APP_A, APP_B], workerEnv: { WORKER_CONCURRENCY: '10' } });
  });

  afterAll(() => cleanup(stack));

  it('when app A hits its minute quota, then A pauses until the next minute while app B keeps sending, and A sends afterwards', async () => {
    stack.sandbox.addFault({
      match: { appid: APP_A.appId, api: 'template' },
      times: 1,
      action: { errcode: 45011 },
    });
    const [first] = await stack.postMany([templateBody('oQuotaA0', APP_A.appId)]);
    const paused = await waitFor(
      async () => {
        const r = await stack.record(first!);
        return (r.history as HistoryLine[]).some((h) => h.event === 'paused') ? r : undefined;
      },
      { description: 'app A to pause' },
    );

    const moreA = await stack.postMany(
      Array.from({ length: 5 }, (_, i) => templateBody(`oQuotaA${i + 1}`, APP_A.appId)),
    );
    const idsB = await stack.postMany(
      Array.from({ length: 20 }, (_, i) => templateBody(`oQuotaB${i}`, APP_B.appId)),
    );
    await stack.waitForStatus(idsB, ['sent']);
    const aWhileBSent = stack.sandbox.messages({ appid: APP_A.appId }).length;
    const pauseEnds = Date.parse(paused.nextAttemptAt as string);
    const bDoneBeforeResume = Date.now() < pauseEnds;
    const recordsA = await stack.waitForStatus([first!, ...moreA], ['sent'], 90000);
    const resumedAt = Math.min(
      ...stack.sandbox.messages({ appid: APP_A.appId }).map((m) => Date.parse(m.at)),
    );
    const pauseLogs = stack.workers[0]!.stdout.filter((l) => l.includes('"app paused"'));

    expect(paused).toMatchObject({
      status: 'retrying',
      attempts: 0,
      lastError: { errcode: 45011 },
    });
    expect(new Date(pauseEnds).getUTCSeconds()).toBe(0);
    // Only meaningful when B finished before A's pause ended (it nearly always does).
    expect(bDoneBeforeResume ? aWhileBSent : 0).toBe(0);
    expect(resumedAt).toBeGreaterThanOrEqual(pauseEnds - 50);
    expect(recordsA.every((r) => r.attempts === 1)).toBe(true);
    expect(pauseLogs).toHaveLength(1);
    expect(JSON.parse(pauseLogs[0]!)).toMatchObject({
      level: 'warn',
      appId: APP_A.appId,
      errcode: 45011,
    });
  });
});

describe('token endpoint configuration errors', () => {
  let stack: Stack;
  let opsUrl: string;

  beforeAll(async () => {
    const opsPort = await freePort();
    opsUrl = `http://127.0.0.1:${opsPort}`;
    stack = await startStack({
      apps: [APP_A],
      workerApps: [{ appId: APP_A.appId, appSecret: 'the-wrong-secret' }],
      workerEnv: { WORKER_HTTP_PORT: String(opsPort), SEND_BACKOFF_MAX_MS: '2000' },
    });
  });

  afterAll(() => cleanup(stack));

  it('when the app secret is wrong, then messages wait without spending attempts and the token endpoint is not called in a loop', async () => {
    const ids = await stack.postMany(
      Array.from({ length: 20 }, (_, i) => templateBody(`oConfig${i}`)),
    );

    const records = await stack.waitForStatus(ids, ['retrying']);
    await new Promise((r) => setTimeout(r, 3000));
    const tokenCalls = stack.sandbox.stats().tokenCalls[APP_A.appId]?.stable_token ?? 0;
    const after = await Promise.all(ids.map((id) => stack.record(id)));

    expect(records.every((r) => (r.lastError as { errcode: number }).errcode === 40125)).toBe(true);
    // A message may be caught mid-cycle (`sending`); none may be dead or have spent an attempt.
    expect(
      after.every((r) => ['retrying', 'sending'].includes(r.status as string) && r.attempts === 0),
    ).toBe(true);
    // Each message was paused with its app (and, while the pause lasts, set aside by its claim
    // without a history line), so none was failed by BullMQ.
    expect(after.every((r) => (r.history as HistoryLine[]).some((h) => h.event === 'paused'))).toBe(
      true,
    );
    expect(stack.workers[0]!.stdout.filter((l) => l.includes('failed unexpectedly'))).toEqual([]);
    expect(tokenCalls).toBeLessThanOrEqual(3);
    expect(stack.sandbox.messages()).toHaveLength(0);
  });

  it('when the token endpoint answers a config error, then the worker /readyz names the app and /metrics counts it', async () => {
    const ready = await fetch(`${opsUrl}/readyz`);
    const body = (await ready.json()) as {
      ready: boolean;
      tokenConfigErrors: Record<string, { errcode: number }>;
    };
    const metrics = await (await fetch(`${opsUrl}/metrics`)).text();
    const health = await fetch(`${opsUrl}/healthz`);

    expect(health.status).toBe(200);
    expect(body.tokenConfigErrors[APP_A.appId]).toMatchObject({ errcode: 40125 });
    expect(metrics).toContain(
      `wxd_token_fetches_total{app_id="${APP_A.appId}",outcome="config_error"}`,
    );
    expect(metrics).toMatch(
      new RegExp(`wxd_app_pauses_total\\{app_id="${APP_A.appId}",reason="config"\\} [1-9]`),
    );
    expect(metrics).toContain('wxd_queue_jobs{queue="send",state="delayed"}');
    expect(metrics).not.toContain('the-wrong-secret');
  });
});
