import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import {
  TEST_REDIS_URL,
  startPrivateRedis,
  waitFor,
  type PrivateRedis,
} from '@wechat-dispatch/testkit';
import { startStack, templateBody, type Stack } from './helpers/stack';

const APP = { appId: 'wxcrash00000000001', appSecret: 'crash-secret-0001' };

interface HistoryLine {
  event: string;
}

async function dropKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  const keys = await redis.keys(`{${prefix}}*`);
  if (keys.length > 0) {
    await redis.del(...keys);
  }
  await redis.quit();
}

/** Each message went to its own user, so a user seeing a message twice means a duplicate delivery. */
function deliveriesPerUser(stack: Stack): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of stack.sandbox.messages({ appid: APP.appId })) {
    counts.set(m.touser, (counts.get(m.touser) ?? 0) + 1);
  }
  return counts;
}

describe('crash safety', () => {
  let stack: Stack | undefined;
  let privateRedis: PrivateRedis | undefined;

  afterEach(async () => {
    await stack?.stop();
    if (stack && !privateRedis) {
      await dropKeys(TEST_REDIS_URL, stack.prefix);
    }
    await privateRedis?.destroy();
    stack = undefined;
    privateRedis = undefined;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('when one of two workers is SIGKILLed while 1,000 messages drain, then all end sent and no user gets one twice', async () => {
    stack = await startStack({
      apps: [APP],
      workers: 2,
      sandbox: { latencyMs: 100 },
      workerEnv: {
        WORKER_CONCURRENCY: '20',
        WORKER_LOCK_DURATION_MS: '3000',
        WORKER_STALLED_INTERVAL_MS: '1000',
      },
    });
    const running = stack;
    const posting = running.postMany(
      Array.from({ length: 1000 }, (_, i) => templateBody(`oKill${i}`)),
    );
    await waitFor(() => running.sandbox.stats().deliveries >= 200, {
      description: '200 deliveries',
    });

    running.workers[0]!.child.kill('SIGKILL');
    const ids = await posting;
    const records = await running.waitForStatus(ids, ['sent', 'dead'], 120000);
    const perUser = deliveriesPerUser(running);
    const reruns = records.filter(
      (r) => (r.history as HistoryLine[]).filter((h) => h.event === 'sending').length > 1,
    );
    console.info(
      `SIGKILL: ${records.length} sent, ${reruns.length} sends re-run after the kill, ` +
        `${running.sandbox.stats().deduplicated} repeats dropped by client_msg_id, ${perUser.size} users got exactly one`,
    );

    expect(records.every((r) => r.status === 'sent')).toBe(true);
    expect(perUser.size).toBe(1000);
    expect([...perUser.values()].every((n) => n === 1)).toBe(true);
    expect(await running.workers[0]!.exited).toBe('SIGKILL');
  });

  it('when Redis is down for 10 s while messages drain, then every accepted message ends sent without restarting anything', async () => {
    privateRedis = await startPrivateRedis({ appendonly: true });
    stack = await startStack({
      apps: [APP],
      redisUrl: privateRedis.url,
      sandbox: { latencyMs: 50 },
      workerEnv: { WORKER_CONCURRENCY: '10' },
    });
    const running = stack;
    const ids = await running.postMany(
      Array.from({ length: 300 }, (_, i) => templateBody(`oOutage${i}`)),
    );
    await waitFor(() => running.sandbox.stats().deliveries >= 50, { description: '50 deliveries' });

    await privateRedis.stop('SIGTERM');
    const deliveredWhenDown = running.sandbox.stats().deliveries;
    await new Promise((r) => setTimeout(r, 10000));
    await privateRedis.start();
    const records = await running.waitForStatus(ids, ['sent', 'dead'], 120000);
    console.info(
      `Redis outage: ${deliveredWhenDown} delivered before the stop, ${records.length} sent after 10 s down, ` +
        `${running.sandbox.stats().deliveries} deliveries in all`,
    );

    expect(records.every((r) => r.status === 'sent')).toBe(true);
    expect(deliveriesPerUser(running).size).toBe(300);
    expect(running.workers[0]!.child.exitCode).toBeNull();
    expect(running.api.child.exitCode).toBeNull();
  });

  it('when a worker gets SIGTERM with 200 sends in flight, then it exits 0 and all 200 end sent', async () => {
    stack = await startStack({
      apps: [APP],
      // Long enough that polling 200 records on a loaded machine still sees every one in flight.
      sandbox: { latencyMs: 8000 },
      workerEnv: { WORKER_CONCURRENCY: '200', WECHAT_TIMEOUT_MS: '20000' },
    });
    const running = stack;
    const ids = await running.postMany(
      Array.from({ length: 200 }, (_, i) => templateBody(`oTerm${i}`)),
    );
    await running.waitForStatus(ids, ['sending'], 30000);

    const startedStop = Date.now();
    const code = await running.workers[0]!.stop('SIGTERM');
    const stopMs = Date.now() - startedStop;
    const records = await Promise.all(ids.map((id) => running.record(id)));
    console.info(`SIGTERM: exit ${code} after ${stopMs} ms with 200 in flight`);

    expect(code).toBe(0);
    expect(records.every((r) => r.status === 'sent')).toBe(true);
    expect(running.sandbox.stats().deliveries).toBe(200);
  });
});
