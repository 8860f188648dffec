import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { JOB_NAMES, legacySendQueueName, type SendJob } from '@wechat-dispatch/core';
import { Keyspace, createLogger } from '@wechat-dispatch/shared';
import { TEST_REDIS_URL, uniquePrefix } from '@wechat-dispatch/testkit';
import { moveLegacySendJobs } from '../src/infra/legacy-send-queues';

/**
 * The upgrade from the per-app send queues of before #16 (docs/tenancy.md, "Upgrading"), on real
 * Redis: what the old version left queued moves to the shared queue once, with its id, data and
 * remaining delay.
 */
describe('moving the per-app send queues of before #16', () => {
  const prefix = uniquePrefix('legacy');
  const keyspace = new Keyspace(prefix);
  const logger = createLogger({ service: 'worker', level: 'info', silent: true });
  const appIds = Array.from({ length: 50 }, (_, i) => `wxlegacy${String(i).padStart(10, '0')}`);
  let redis: Redis;
  let shared: Queue<SendJob>;

  const legacyQueue = (appId: string) =>
    new Queue<SendJob>(legacySendQueueName(appId), { connection: redis, prefix: keyspace.root });
  const job = (appId: string, id: string) => ({ messageId: id, appId, traceId: `trace-${id}` });

  beforeAll(async () => {
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    shared = new Queue<SendJob>('send', { connection: redis, prefix: keyspace.root });
    // What the old version left: app 7 with a waiting and a delayed job, app 31 with a prioritized one.
    const seven = legacyQueue(appIds[7]!);
    await seven.add(JOB_NAMES.sendMessage, job(appIds[7]!, 'm-old-1'), { jobId: 'm-old-1' });
    await seven.add(JOB_NAMES.sendMessage, job(appIds[7]!, 'm-old-2'), {
      jobId: 'm-old-2',
      delay: 60_000,
    });
    const thirtyOne = legacyQueue(appIds[31]!);
    await thirtyOne.add(JOB_NAMES.sendMessage, job(appIds[31]!, 'm-old-3'), {
      jobId: 'm-old-3',
      priority: 5,
    });
    await Promise.all([seven.close(), thirtyOne.close()]);
  });

  afterAll(async () => {
    await shared.close();
    const keys = await redis.keys(`${keyspace.root}*`);
    if (keys.length > 0) {
      await redis.unlink(...keys);
    }
    await redis.quit();
  });

  it('when a worker starts over 50 apps of which two had queued jobs, then those jobs move to the shared queue with their ids, data and delay, and a second start moves nothing', async () => {
    const moved = await moveLegacySendJobs({ redis, keyspace, queue: shared, appIds, logger });

    expect(moved).toBe(3);
    const waiting = await shared.getJobs(['waiting', 'prioritized']);
    expect(waiting.map((j) => j.id).sort()).toEqual(['m-old-1', 'm-old-3']);
    expect(waiting.find((j) => j.id === 'm-old-3')?.data).toEqual(job(appIds[31]!, 'm-old-3'));
    const [delayed] = await shared.getJobs(['delayed']);
    expect(delayed?.id).toBe('m-old-2');
    expect(delayed!.delay).toBeGreaterThan(50_000);
    for (const appId of [appIds[7]!, appIds[31]!]) {
      const old = legacyQueue(appId);
      expect(await old.getJobCounts('waiting', 'prioritized', 'delayed', 'active')).toEqual({
        waiting: 0,
        prioritized: 0,
        delayed: 0,
        active: 0,
      });
      await old.close();
    }
    expect(await redis.exists(keyspace.key('migrated', 'per-app-send-queues'))).toBe(1);

    expect(await moveLegacySendJobs({ redis, keyspace, queue: shared, appIds, logger })).toBe(0);
  });
});
