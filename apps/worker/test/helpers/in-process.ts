import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  JOB_NAMES,
  RecordBatch,
  RecordStore,
  newMessageId,
  shardOfMessageId,
  type AppCredentials,
  type AppDirectory,
  type DeadLetterJob,
  type DeliveryRecord,
  type Message,
  type SendJob,
} from '@wechat-dispatch/core';
import {
  SendShards,
  type Keyspace,
  closeRedis,
  connectRedis,
  createLogger,
  createRedis,
} from '@wechat-dispatch/shared';
import {
  startSandbox,
  type SandboxHandle,
  type StartSandboxOptions,
} from '@wechat-dispatch/sandbox';
import { TEST_REDIS_URL, uniquePrefix, waitFor } from '@wechat-dispatch/testkit';
import { buildWorker, type WorkerRuntime } from '../../src/compose';
import { loadWorkerConfig } from '../../src/config';
import type { TestApp } from './stack';

/** Options of {@link startInProcessWorker}. */
export interface InProcessOptions {
  /** The apps WeChat (the sandbox) knows. */
  apps: TestApp[];
  /** The apps the worker is configured with, when they differ (e.g. a wrong secret). */
  workerApps?: TestApp[];
  /** Worker environment over the fast defaults below (parsed by the worker's own config). */
  env?: Record<string, string>;
  sandbox?: Partial<StartSandboxOptions>;
  /** The apps as the worker knows them. @defaultValue the static directory of its apps */
  directory?: AppDirectory & AppCredentials;
}

/** What a message to enqueue may set; the rest is a template message to the first app. */
export type TestMessage = Partial<Message> & { toUser: string };

/** A worker built by compose.ts, running in this process against the in-process sandbox. */
export interface InProcessWorker {
  sandbox: SandboxHandle;
  runtime: WorkerRuntime;
  /** The worker's own consumer connection (for stores a test reads through). */
  redis: Redis;
  /** Shard 0's keyspace (the global keys; every key when `SEND_SHARDS` is 1). */
  keyspace: Keyspace;
  /** The keyspace of the app's shard. */
  keyspaceOf(appId: string): Keyspace;
  /** The send queue of the app's shard. */
  sendQueueOf(appId: string): Queue<SendJob>;
  /** Reads a record by id from the id's shard. */
  records: Pick<RecordStore, 'get'>;
  /** Creates the record of `message` and its send job, as the API does; returns its id. */
  enqueue(message: TestMessage): Promise<string>;
  /** Creates `count` records like `message` and their jobs, a thousand per round trip. */
  enqueueMany(count: number, message: TestMessage): Promise<string[]>;
  /** Waits (polling every 10 ms) until the record has one of `statuses`, and returns it. */
  waitForStatus(id: string, statuses: readonly string[]): Promise<DeliveryRecord>;
  /** Waits until the record's history has `event`, and returns the record. */
  waitForEvent(id: string, event: string): Promise<DeliveryRecord>;
  /** Waits for the message's job on `dead-letters`, and returns its data. */
  deadLetter(id: string): Promise<DeadLetterJob>;
  stop(): Promise<void>;
}

/** Short timeouts and backoffs, so every failure class plays out in well under a second. */
const FAST_ENV = {
  SEND_BACKOFF_MS: '20',
  SEND_BACKOFF_MAX_MS: '100',
  SEND_MAX_ATTEMPTS: '3',
  WECHAT_TIMEOUT_MS: '300',
  WORKER_HTTP_PORT: '0',
};

/** Polls `probe` every 10 ms for up to 3 s: long enough under load, short enough to name a failure. */
function soon<T>(probe: () => Promise<T | undefined>, description: string): Promise<T> {
  return waitFor(probe, { intervalMs: 10, timeoutMs: 3000, description });
}

const appsEnv = (apps: readonly TestApp[]) =>
  apps.map((app) => `${app.appId}:${app.appSecret}`).join(',');

/**
 * Starts the sandbox and a worker built exactly as main.ts builds it (`buildWorker`), on real
 * Redis under a unique prefix, and runs it. No process is spawned.
 */
export async function startInProcessWorker(options: InProcessOptions): Promise<InProcessWorker> {
  const sandbox = await startSandbox({ apps: options.apps, ...options.sandbox });
  const prefix = uniquePrefix('wip');
  const config = loadWorkerConfig({
    ...FAST_ENV,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: prefix,
    WECHAT_APPS: appsEnv(options.workerApps ?? options.apps),
    WECHAT_API_BASE: sandbox.url,
    // The suite runs with SEND_SHARDS=3 too (README, "Sharding").
    ...(process.env.SEND_SHARDS ? { SEND_SHARDS: process.env.SEND_SHARDS } : {}),
    ...options.env,
  });
  const redis = await connectRedis(createRedis(TEST_REDIS_URL, 'consumer', 'wxd-worker-test'));
  const tokenRedis = await connectRedis(createRedis(TEST_REDIS_URL, 'client', 'wxd-tokens-test'));
  const level = process.env.LOG_LEVEL;
  const logger = createLogger({ service: 'worker', level: level ?? 'info', silent: !level });
  const runtime = buildWorker({
    settings: config,
    redis,
    tokenRedis,
    logger,
    apps: options.directory,
  });
  await runtime.run();

  const shards = new SendShards(prefix, config.sendShards);
  const keyspace = shards.global;
  const storesOf = shards.keyspaces.map((shardKeyspace) => {
    const storeOptions = { redis, keyspace: shardKeyspace, ttlSeconds: config.recordTtlSeconds };
    return { records: new RecordStore(storeOptions), batch: new RecordBatch(storeOptions) };
  });
  const records = {
    get: (id: string) => storesOf[shardOfMessageId(id) ?? 0]!.records.get(id),
  };
  const defaultApp = options.apps[0]!.appId;

  /** Creates the records of `messages` and their jobs, as the API does: two round trips. */
  async function enqueueAll(overrides: readonly TestMessage[]): Promise<string[]> {
    const now = new Date().toISOString();
    const items = overrides.map((override) => {
      const message: Message = {
        type: 'template',
        appId: defaultApp,
        templateId: 'TPL_TEST',
        data: { thing1: { value: '测试消息' } },
        ...override,
      };
      const record = {
        id: newMessageId(Date.now(), shards.shardOf(message.appId)),
        type: message.type,
        appId: message.appId,
        toUser: message.toUser,
        templateId: message.templateId,
        status: 'queued' as const,
        attempts: 0,
        createdAt: now,
        updatedAt: now,
        caller: 'tests',
        traceId: randomUUID(),
      };
      return { record, message };
    });
    for (const shard of runtime.sendShards) {
      const mine = items.filter(({ record }) => shards.shardOf(record.appId) === shard.shard);
      if (mine.length === 0) {
        continue;
      }
      const priorities = await storesOf[shard.shard]!.batch.createMissing(mine);
      await shard.sendQueue.addBulk(
        mine.map(({ record }, i) => ({
          name: JOB_NAMES.sendMessage,
          data: { messageId: record.id, appId: record.appId, traceId: record.traceId },
          opts: { jobId: record.id, priority: priorities[i] },
        })),
      );
    }
    return items.map(({ record }) => record.id);
  }

  return {
    sandbox,
    runtime,
    redis,
    keyspace,
    keyspaceOf: (appId) => shards.keyspaceOf(appId),
    sendQueueOf: (appId) => runtime.sendShards[shards.shardOf(appId)]!.sendQueue,
    records,
    async enqueue(message) {
      const [id] = await enqueueAll([message]);
      return id!;
    },
    async enqueueMany(count, message) {
      const ids: string[] = [];
      for (let done = 0; done < count; done += 1000) {
        const chunk = Array.from({ length: Math.min(1000, count - done) }, () => message);
        ids.push(...(await enqueueAll(chunk)));
      }
      return ids;
    },
    waitForStatus: (id, statuses) =>
      soon(
        async () => {
          const record = await records.get(id);
          return record && statuses.includes(record.status) ? record : undefined;
        },
        `${id} to be ${statuses.join('/')}`,
      ),
    waitForEvent: (id, event) =>
      soon(async () => {
        const record = await records.get(id);
        return record?.history.some((h) => h.event === event) ? record : undefined;
      }, `${id} to have a ${event} event`),
    deadLetter: (id) =>
      soon(
        async () => (await runtime.queues.deadLetters.getJob(id))?.data,
        `the dead letter of ${id}`,
      ),
    async stop() {
      await runtime.close();
      await sandbox.close();
      const keys = await redis.keys(`{${prefix}*`);
      if (keys.length > 0) {
        await redis.unlink(...keys);
      }
      await Promise.all([closeRedis(redis), closeRedis(tokenRedis)]);
    },
  };
}
