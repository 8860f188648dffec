import type { RequestListener } from 'node:http';
import type { Express } from 'express';
import type { Redis } from 'ioredis';
import { Keyspace, connectRedis, createLogger, createRedis } from '@wechat-dispatch/shared';
import { TEST_REDIS_URL, scanKeys, uniquePrefix, waitFor } from '@wechat-dispatch/testkit';
import { createApp } from '../../src/app';
import { buildApiDeps, type ApiRuntime, type BuildApiDepsOptions } from '../../src/compose';

export const APP_ID = 'wxapitest00000001';
export const OTHER_APP_ID = 'wxapitest00000002';
export const ORDERS_KEY = 'orders-key-0000000001';
export const BILLING_KEY = 'billing-key-000000001';
export const OPS_KEY = 'ops-key-00000000000001';

/** `Authorization` header of a test caller. */
export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** What a test may change about the API it gets. */
export type TestApiOptions = Partial<Omit<BuildApiDepsOptions, 'redis' | 'keyspace' | 'logger'>> & {
  redisUrl?: string;
  prefix?: string;
};

/** A real API (real Redis, queues, stores) on a prefix of its own. */
export interface TestApi {
  /** The API's request listener (send fast path, then Express), for supertest. */
  app: RequestListener;
  /** The Express app behind it, for walking its routes. */
  routes: Express;
  redis: Redis;
  prefix: string;
  keyspace: Keyspace;
  runtime: ApiRuntime;
  /** Every key under the prefix except the rate-limit and failed-authentication counters, sorted. */
  storedKeys(): Promise<string[]>;
  /** Jobs in any state, per queue name. */
  jobCounts(): Promise<Record<string, number>>;
  /** Closes queues, deletes every key under the prefix, closes the connection. */
  close(): Promise<void>;
}

/**
 * Builds the API exactly as main.ts does (`buildApiDeps` + `createApp`) over a fresh producer
 * connection to the test Redis and a unique QUEUE_PREFIX.
 */
export async function startTestApi(options: TestApiOptions = {}): Promise<TestApi> {
  const prefix = options.prefix ?? uniquePrefix('api');
  const keyspace = new Keyspace(prefix);
  const redis = createRedis(options.redisUrl ?? TEST_REDIS_URL, 'producer', 'wxd-api-test');
  redis.on('error', () => undefined);
  await connectRedis(redis);
  const level = process.env.LOG_LEVEL;
  const logger = createLogger({ service: 'api', level: level ?? 'info', silent: !level });
  const runtime = buildApiDeps({
    appIds: [APP_ID],
    apiKeys: [
      { name: 'orders', key: ORDERS_KEY },
      { name: 'billing', key: BILLING_KEY },
      { name: 'ops', key: OPS_KEY },
    ],
    adminCallers: ['ops'],
    ...options,
    redis,
    keyspace,
    logger,
  });
  const { listener: app, express: routes } = createApp(runtime.deps);
  // Each BullMQ Queue writes its meta hash once connected; wait so tests see a settled keyspace.
  await waitFor(
    async () =>
      (await redis.exists(...runtime.deps.queues.map((q) => q.keys.meta!))) ===
      runtime.deps.queues.length,
    { description: 'queue meta keys' },
  );
  const counterPrefixes = [keyspace.key('ratelimit'), keyspace.key('auth-fail')];
  return {
    app,
    routes,
    redis,
    prefix,
    keyspace,
    runtime,
    async storedKeys() {
      const keys = await scanKeys(redis, `${keyspace.root}:*`);
      return keys.filter((key) => !counterPrefixes.some((prefix) => key.startsWith(prefix)));
    },
    async jobCounts() {
      const counts: Record<string, number> = {};
      for (const queue of runtime.deps.queues) {
        const byState = await queue.getJobCounts();
        counts[queue.name] = Object.values(byState).reduce((sum, n) => sum + n, 0);
      }
      return counts;
    },
    async close() {
      await runtime.close();
      if (redis.status === 'ready') {
        // Shard 0's keys and, with SEND_SHARDS, the other shards' `{prefix:<suffix>}` keys.
        const keys = [
          ...(await scanKeys(redis, `${keyspace.root}:*`)),
          ...(await scanKeys(redis, `{${prefix}:*`)),
        ];
        for (let i = 0; i < keys.length; i += 500) {
          await redis.unlink(...keys.slice(i, i + 500));
        }
        await redis.quit();
      } else {
        redis.disconnect();
      }
    },
  };
}
