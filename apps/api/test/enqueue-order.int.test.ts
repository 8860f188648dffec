import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import request from 'supertest';
import { SEND_QUEUE } from '@wechat-dispatch/core';
import { startPrivateRedis, waitFor, type PrivateRedis } from '@wechat-dispatch/testkit';
import { ORDERS_KEY, bearer, startTestApi, type TestApi } from './helpers/test-api';
import { templateBody } from './helpers/messages';

/** The commands Redis ran, as MONITOR reports them: the arguments of each, in order. */
async function watchCommands(url: string): Promise<{ seen: string[][]; stop(): Promise<void> }> {
  // monitor() opens a connection of its own; this one never connects.
  const monitor = await new Redis(url, { lazyConnect: true }).monitor();
  const seen: string[][] = [];
  monitor.on('monitor', (_time: string, args: string[]) => seen.push(args));
  return {
    seen,
    stop: () => {
      monitor.disconnect();
      return Promise.resolve();
    },
  };
}

describe('enqueue: records before jobs', () => {
  // A Redis of its own: MONITOR on the shared one would also carry every other suite's traffic.
  let redis: PrivateRedis;
  let api: TestApi;

  beforeAll(async () => {
    redis = await startPrivateRedis({ appendonly: false });
    api = await startTestApi({ redisUrl: redis.url });
  });

  afterAll(async () => {
    await api?.close();
    await redis?.destroy();
  });

  it.each([1, 3])(
    'when %i message(s) are accepted, then Redis creates the records before it adds any of their jobs',
    async (count) => {
      const watch = await watchCommands(redis.url);
      const queue = api.runtime.deps.queues.find((q) => q.name === SEND_QUEUE)!;
      // Send jobs carry a priority, so BullMQ adds them to its prioritized set.
      const waitKey = queue.keys.prioritized!;

      const res =
        count === 1
          ? await request(api.app).post('/v1/messages').set(bearer(ORDERS_KEY)).send(templateBody())
          : await request(api.app)
              .post('/v1/messages/batch')
              .set(bearer(ORDERS_KEY))
              .send({ messages: Array.from({ length: count }, () => templateBody()) });
      const ids =
        count === 1 ? [(res.body as { id: string }).id] : (res.body as { ids: string[] }).ids;
      await waitFor(
        () => Promise.resolve(watch.seen.filter((a) => a.includes(waitKey)).length >= count),
        {
          description: 'the job adds in MONITOR',
        },
      );
      await watch.stop();

      const recordsAt = watch.seen.findIndex((args) => ids.every((id) => args.includes(id)));
      const firstJobAt = watch.seen.findIndex((args) => args.includes(waitKey));
      expect(res.status).toBe(202);
      expect(recordsAt).toBeGreaterThanOrEqual(0);
      expect(firstJobAt).toBeGreaterThan(recordsAt);
    },
  );
});
