import { afterAll, afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { sendQueueName } from '@wechat-dispatch/core';
import { Keyspace, createLogger } from '@wechat-dispatch/shared';
import { TEST_REDIS_URL, uniquePrefix, waitFor } from '@wechat-dispatch/testkit';
import { AppPauses } from '../src/infra/app-pauses';

const APP = 'wxpause';
const OTHER_APP = 'wxpauseother';
/** The limit a pause gives its queue (AppPauses' own). */
const PAUSE_LIMIT = { max: 1000000, duration: 1000 };

describe('AppPauses (real Redis, real BullMQ)', () => {
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const logger = createLogger({ service: 'app-pauses-test', level: 'error' });
  let keyspace: Keyspace;
  let queues: Map<string, Queue>;
  let pauses: AppPauses;
  let counted: string[];

  const pausesOf = () =>
    new AppPauses({
      redis,
      keyspace,
      queueOf: (appId) => queues.get(appId)!,
      logger,
      onPause: (appId, reason) => counted.push(`${appId}:${reason}`),
    });
  const queue = () => queues.get(APP)!;
  const limitOf = (appId = APP) => queues.get(appId)!.getGlobalRateLimit();
  const holdOf = (appId = APP) => queues.get(appId)!.getRateLimitTtl(PAUSE_LIMIT.max);

  beforeEach(() => {
    keyspace = new Keyspace(uniquePrefix('pauses'));
    queues = new Map(
      [APP, OTHER_APP].map((appId) => [
        appId,
        new Queue(sendQueueName(appId), { connection: redis, prefix: keyspace.root }),
      ]),
    );
    counted = [];
    pauses = pausesOf();
  });

  afterEach(async () => {
    pauses.close();
    await Promise.all([...queues.values()].map((q) => q.close()));
    const keys = await redis.keys(`${keyspace.root}*`);
    if (keys.length > 0) {
      await redis.del(...keys);
    }
  });

  afterAll(async () => {
    await redis.quit();
  });

  /** A worker on `appId`'s queue that records when each job ran. */
  function startWorker(appId: string, processedAt: number[]): { close(): Promise<void> } {
    const connection = redis.duplicate();
    const worker = new Worker(
      sendQueueName(appId),
      () => Promise.resolve(void processedAt.push(Date.now())),
      { connection, prefix: keyspace.root, autorun: false },
    );
    void worker.run();
    return {
      async close() {
        await worker.close();
        await connection.quit();
      },
    };
  }

  it('when an app is paused, then no worker takes its jobs until the pause ends, and the limit is lifted afterwards', async () => {
    const processedAt: number[] = [];
    const pausedAt = Date.now();
    expect(await pauses.pause(APP, 'rate_minute', 400, 45011)).toBe(true);
    await queue().add('send', {}, { removeOnComplete: true });
    const worker = startWorker(APP, processedAt);
    try {
      await waitFor(() => (processedAt.length === 1 ? true : undefined), {
        intervalMs: 10,
        description: 'the job to be processed after the pause',
      });
      const limitAfter = await waitFor(
        async () => ((await limitOf()) === null ? 'lifted' : undefined),
        { intervalMs: 10, description: 'the queue limit to be lifted' },
      );

      expect(processedAt[0]! - pausedAt).toBeGreaterThanOrEqual(350);
      expect(limitAfter).toBe('lifted');
      expect(counted).toEqual([`${APP}:rate_minute`]);
    } finally {
      await worker.close();
    }
  });

  it('when one app is paused, then another app’s jobs are taken at once', async () => {
    const processedAt: number[] = [];
    await pauses.pause(APP, 'rate_daily', 60000, 45009);
    await queues.get(OTHER_APP)!.add('send', {}, { removeOnComplete: true });
    const worker = startWorker(OTHER_APP, processedAt);
    try {
      await waitFor(() => (processedAt.length === 1 ? true : undefined), {
        intervalMs: 10,
        description: 'the other app’s job',
      });

      expect(await limitOf(OTHER_APP)).toBeNull();
      expect(await holdOf(APP)).toBeGreaterThan(50000);
    } finally {
      await worker.close();
    }
  });

  it('when a shorter pause follows a longer one, then the longer one still holds the queue', async () => {
    await pauses.pause(APP, 'rate_daily', 60000, 45009);
    const second = await pauses.pause(APP, 'rate_minute', 100, 45011);

    expect(second).toBe(false);
    expect(await holdOf()).toBeGreaterThan(50000);
    expect(await pauses.liftEnded([APP])).toEqual([]);
    expect(await limitOf()).toEqual(PAUSE_LIMIT);
    expect(await redis.get(keyspace.key('pause', APP))).toBe('rate_daily');
  });

  it('when two workers pause an app at once for different lengths, then the longer pause holds and only one of them counts it', async () => {
    const other = pausesOf();
    try {
      const started = await Promise.all([
        other.pause(APP, 'rate_minute', 100, 45011),
        pauses.pause(APP, 'rate_daily', 60000, 45009),
        other.pause(APP, 'rate_minute', 100, 45011),
      ]);

      expect(started.filter(Boolean)).toHaveLength(1);
      expect(counted).toHaveLength(1);
      expect(await holdOf()).toBeGreaterThan(50000);
    } finally {
      other.close();
    }
  });

  it('when the hold is gone, then a sweep lifts the limit; a limit of another size is left alone', async () => {
    await pauses.pause(APP, 'rate_minute', 60000, 45011);
    // An operator ends the pause by hand (docs/operations.md).
    await queue().removeRateLimitKey();

    expect(await pauses.liftEnded([APP])).toEqual([APP]);
    expect(await limitOf()).toBeNull();

    await queue().setGlobalRateLimit(5, 1000);
    expect(await pauses.liftEnded([APP])).toEqual([]);
    expect(await limitOf()).toEqual({ max: 5, duration: 1000 });
  });

  it('when sweeping, then ended pauses are lifted now and on every interval', async () => {
    await pauses.pause(APP, 'rate_minute', 60000, 45011);
    await queue().removeRateLimitKey();

    pauses.sweepEvery([APP], 100);
    await waitFor(async () => ((await limitOf()) === null ? true : undefined), {
      intervalMs: 10,
      description: 'the first sweep',
    });
    await queue().setGlobalRateLimit(PAUSE_LIMIT.max, PAUSE_LIMIT.duration);
    const lifted = await waitFor(async () => ((await limitOf()) === null ? true : undefined), {
      intervalMs: 10,
      description: 'a later sweep',
    });

    expect(lifted).toBe(true);
  });
});
