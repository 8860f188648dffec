import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue, type Worker } from 'bullmq';
import { Redis } from 'ioredis';
import {
  QUEUE_CATALOGUE,
  openWorker,
  type CallbackJob,
  type DeadCallback,
} from '@wechat-dispatch/core';
import { Keyspace, SsrfGuard, createLogger } from '@wechat-dispatch/shared';
import { TEST_REDIS_URL, scanKeys, uniquePrefix, waitFor } from '@wechat-dispatch/testkit';
import { CallbackSender } from '../src/infra/callback-sender';
import { CallerSlots } from '../src/infra/caller-slots';
import { createCallbackProcessor } from '../src/processors/callback.processor';

const TIMEOUT_MS = 1000;

/** A receiver that answers 200 and then its body one byte every 400 ms, for 12 s. */
function trickle(res: ServerResponse, onClose: () => void): void {
  res.writeHead(200, { 'content-type': 'text/plain' });
  let left = 30;
  const timer = setInterval(() => {
    left -= 1;
    if (left === 0) {
      clearInterval(timer);
      res.end('.');
    } else {
      res.write('.');
    }
  }, 400);
  res.on('close', () => {
    clearInterval(timer);
    onClose();
  });
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/**
 * Issue #17 item 5: a receiver trickling one byte every 400 ms held callback slots far past
 * CALLBACK_TIMEOUT_MS (an idle timeout, reset by every byte), and another caller's callback
 * waited behind it.
 */
describe('callbacks cannot be held hostage (issue #17, item 5)', () => {
  let slow: Server;
  let fast: Server;
  let slowPort: number;
  let fastPort: number;
  let slowClosed = 0;
  let slowOpened = 0;
  let fastArrivals: Array<{ at: number; slowClosed: number }> = [];

  beforeAll(async () => {
    slow = createServer((req, res) => {
      slowOpened += 1;
      req.resume();
      trickle(res, () => (slowClosed += 1));
    });
    fast = createServer((req, res) => {
      req.resume();
      fastArrivals.push({ at: Date.now(), slowClosed });
      res.writeHead(200).end('ok');
    });
    [slowPort, fastPort] = await Promise.all([listen(slow), listen(fast)]);
  });

  afterAll(async () => {
    slow.closeAllConnections();
    await Promise.all([slow, fast].map((s) => new Promise((r) => s.close(r))));
  });

  const sender = () =>
    new CallbackSender({
      ssrf: new SsrfGuard([`127.0.0.1:${slowPort}`, `127.0.0.1:${fastPort}`], undefined, []),
      timeoutMs: TIMEOUT_MS,
    });

  it('when the receiver trickles its answer, then the request fails at the deadline and its connection is closed', async () => {
    const s = sender();
    const closedBefore = slowClosed;
    const started = performance.now();

    const outcome = await s.post(`http://127.0.0.1:${slowPort}/hook`, '{}', {}, 'slow').then(
      () => 'answered',
      (err: Error) => err.message,
    );
    const ms = performance.now() - started;
    await waitFor(async () => Promise.resolve(slowClosed > closedBefore), {
      description: 'the receiver to see its connection closed',
    });
    s.close();

    console.info(
      `trickling receiver: the callback failed after ${ms.toFixed(0)} ms (deadline ${TIMEOUT_MS} ms)`,
    );
    expect(outcome).toBe(`callback timed out after ${TIMEOUT_MS} ms`);
  });

  describe('with one worker of four slots shared by two callers', () => {
    const keyspace = new Keyspace(uniquePrefix('cbfair'));
    let redis: Redis;
    let queue: Queue<CallbackJob>;
    let deadCallbacks: Queue<DeadCallback>;
    let worker: Worker;
    let s: CallbackSender;

    beforeAll(() => {
      redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
      const opts = { connection: redis, prefix: keyspace.root };
      queue = new Queue<CallbackJob>(QUEUE_CATALOGUE.callbacks.name, opts);
      deadCallbacks = new Queue<DeadCallback>(QUEUE_CATALOGUE.callbackDeadLetters.name, opts);
      s = sender();
      const logger = createLogger({ service: 'worker', level: 'info', silent: true });
      worker = openWorker(
        QUEUE_CATALOGUE.callbacks,
        createCallbackProcessor({
          sender: s,
          secrets: [
            { caller: 'slow', secret: 'slow-callback-secret-01' },
            { caller: 'fast', secret: 'fast-callback-secret-01' },
          ],
          deadLetters: deadCallbacks,
          slots: new CallerSlots(2),
          logger,
        }),
        { connection: redis, keyspace, logger },
        { concurrency: 4 },
      );
    });

    afterAll(async () => {
      await worker.close();
      s.close();
      await Promise.all([queue.close(), deadCallbacks.close()]);
      const keys = await scanKeys(redis, `${keyspace.root}:*`);
      if (keys.length > 0) {
        await redis.unlink(...keys);
      }
      await redis.quit();
    });

    const job = (caller: string, port: number, i: number): CallbackJob => ({
      messageId: `m${caller}${i}`,
      status: 'sent',
      caller,
      url: `http://127.0.0.1:${port}/hook`,
      body: '{}',
      traceId: `t-${caller}-${i}`,
    });

    it('when a caller’s receiver trickles eight callbacks, then another caller’s callback goes out before any of them ends', async () => {
      slowClosed = 0;
      slowOpened = 0;
      fastArrivals = [];
      await queue.addBulk(
        Array.from({ length: 8 }, (_, i) => ({
          name: 'deliverCallback',
          data: job('slow', slowPort, i),
          opts: { attempts: 1 },
        })),
      );
      worker.run().catch(() => undefined);
      await waitFor(async () => Promise.resolve(slowOpened >= 2), {
        description: 'the slow receiver to hold its slots',
      });
      const added = Date.now();
      await queue.add('deliverCallback', job('fast', fastPort, 0), { attempts: 1 });

      await waitFor(async () => Promise.resolve(fastArrivals.length === 1), {
        timeoutMs: 10_000,
        description: 'the fast caller’s callback',
      });
      await waitFor(async () => (await deadCallbacks.getWaitingCount()) === 8, {
        timeoutMs: 30_000,
        description: 'the slow callbacks to fail at their deadline',
      });

      console.info(
        `fair slots: the other caller's callback arrived ${fastArrivals[0]!.at - added} ms after it was queued`,
      );
      expect(fastArrivals[0]!.slowClosed).toBe(0);
    }, 40_000);
  });
});
