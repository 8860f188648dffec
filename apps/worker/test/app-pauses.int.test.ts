import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { Keyspace, createLogger } from '@wechat-dispatch/shared';
import { TEST_REDIS_URL, uniquePrefix, waitFor } from '@wechat-dispatch/testkit';
import { AppPauses } from '../src/infra/app-pauses';

const APP = 'wxpause';

describe('AppPauses (real Redis, real BullMQ)', () => {
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const keyspace = new Keyspace(uniquePrefix('pauses'));
  const queue = new Queue(`send-${APP}`, { connection: redis, prefix: keyspace.root });
  const logger = createLogger({ service: 'app-pauses-test', level: 'error' });
  let pauses: AppPauses;

  beforeAll(() => {
    pauses = new AppPauses(redis, keyspace, () => queue, logger);
  });

  afterEach(async () => {
    pauses.close();
    const keys = await redis.keys(`${keyspace.root}*`);
    if (keys.length > 0) {
      await redis.del(...keys);
    }
    pauses = new AppPauses(redis, keyspace, () => queue, logger);
  });

  afterAll(async () => {
    pauses.close();
    await queue.close();
    await redis.quit();
  });

  const limitOf = () => redis.hmget(queue.keys.meta!, 'max', 'duration');

  it('when an app is paused, then no worker takes its jobs until the pause ends, and the limit is lifted afterwards', async () => {
    const processedAt: number[] = [];
    const connection = redis.duplicate();
    const worker = new Worker(
      queue.name,
      () => {
        processedAt.push(Date.now());
        return Promise.resolve();
      },
      { connection, prefix: keyspace.root, autorun: false },
    );
    try {
      const pausedAt = Date.now();
      expect(await pauses.pause(APP, 'rate_minute', 800, 45011)).toBe(true);
      await queue.add('send', {}, { removeOnComplete: true });
      void worker.run();

      await waitFor(() => (processedAt.length === 1 ? true : undefined), {
        description: 'the job to be processed after the pause',
      });
      const limitAfter = await waitFor(
        async () => ((await limitOf())[0] === null ? 'lifted' : undefined),
        { description: 'the queue limit to be lifted' },
      );

      expect(processedAt[0]! - pausedAt).toBeGreaterThanOrEqual(750);
      expect(limitAfter).toBe('lifted');
    } finally {
      await worker.close();
      await connection.quit();
    }
  });

  it('when a shorter pause follows a longer one, then the longer one still holds the queue', async () => {
    await pauses.pause(APP, 'rate_daily', 60000, 45009);
    const second = await pauses.pause(APP, 'rate_minute', 100, 45011);

    expect(second).toBe(false);
    expect(await redis.pttl(queue.keys.limiter!)).toBeGreaterThan(50000);
    expect(await pauses.liftEnded([APP])).toEqual([]);
    expect(await limitOf()).toEqual(['1000000', '1000']);
  });

  it('when the hold is gone, then a sweep lifts the limit; a limit of another size is left alone', async () => {
    await pauses.pause(APP, 'rate_minute', 60000, 45011);
    // An operator ends the pause by hand (docs/operations.md).
    await redis.del(queue.keys.limiter!);

    expect(await pauses.liftEnded([APP])).toEqual([APP]);
    expect(await limitOf()).toEqual([null, null]);

    await queue.setGlobalRateLimit(5, 1000);
    expect(await pauses.liftEnded([APP])).toEqual([]);
    expect(await limitOf()).toEqual(['5', '1000']);
  });

  it('when sweeping, then ended pauses are lifted now and on every interval', async () => {
    await pauses.pause(APP, 'rate_minute', 60000, 45011);
    await redis.del(queue.keys.limiter!);

    pauses.sweepEvery([APP], 100);
    await waitFor(async () => ((await limitOf())[0] === null ? true : undefined), {
      description: 'the first sweep',
    });
    await redis.hset(queue.keys.meta!, 'max', '1000000', 'duration', '1000');
    const lifted = await waitFor(async () => ((await limitOf())[0] === null ? true : undefined), {
      description: 'a later sweep',
    });

    expect(lifted).toBe(true);
  });
});
