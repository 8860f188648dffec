import { afterAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { SEND_QUEUE } from '@wechat-dispatch/core';
import { Keyspace, createLogger } from '@wechat-dispatch/shared';
import { TEST_REDIS_URL, uniquePrefix, waitFor } from '@wechat-dispatch/testkit';
import { createWorkerPool } from '../src/worker-pool';

describe('createWorkerPool: completed send jobs (real Redis, real BullMQ)', () => {
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const logger = createLogger({ service: 'worker-pool-test', level: 'error' });

  afterAll(async () => {
    await redis.quit();
  });

  /** Runs 3 jobs through a pool that keeps `keep` completed jobs; their states afterwards. */
  async function statesAfterThreeJobs(keep: number): Promise<string[]> {
    const keyspace = new Keyspace(uniquePrefix('pool'));
    const connection = redis.duplicate({ maxRetriesPerRequest: null });
    const queue = new Queue(SEND_QUEUE, { connection, prefix: keyspace.root });
    let done = 0;
    const pool = createWorkerPool({
      context: { connection, keyspace, logger },
      processor: () => Promise.resolve(void (done += 1)),
      concurrency: 1,
      lockDurationMs: 30000,
      keepCompletedJobs: keep,
    });
    try {
      await queue.addBulk(
        ['j1', 'j2', 'j3'].map((jobId) => ({ name: 'send', data: {}, opts: { jobId } })),
      );
      pool.run();
      await waitFor(() => (done === 3 ? true : undefined), { description: '3 jobs processed' });
      return await waitFor(
        async () => {
          const states = await Promise.all(['j1', 'j2', 'j3'].map((id) => queue.getJobState(id)));
          return states.includes('active') ? undefined : states;
        },
        { description: 'the last job to finish' },
      );
    } finally {
      await pool.close();
      await queue.obliterate({ force: true });
      await queue.close();
      await connection.quit();
    }
  }

  it('when nothing is to be kept, then a send job is removed as it completes', async () => {
    expect(await statesAfterThreeJobs(0)).toEqual(['unknown', 'unknown', 'unknown']);
  });

  it('when 2 are to be kept, then the last 2 completed jobs stay for the dashboard', async () => {
    expect(await statesAfterThreeJobs(2)).toEqual(['unknown', 'completed', 'completed']);
  });
});
