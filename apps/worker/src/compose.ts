import type { Registry } from 'prom-client';
import {
  ConsentLedger,
  DeadLetterStore,
  MsgIdIndex,
  RecordStore,
  callbackJobOptions,
  openServiceQueues,
  type ServiceQueues,
} from '@wechat-dispatch/core';
import {
  Keyspace,
  redisAnswers,
  type Logger,
  type RedisClient,
  type ShutdownStep,
} from '@wechat-dispatch/shared';
import { AccessTokenService, WeChatClient } from '@wechat-dispatch/wechat-client';
import type { WorkerSettings } from './config';
import { Semaphore } from './domain/semaphore';
import { createFollowUpWorkers } from './follow-up-workers';
import { AppPauses } from './infra/app-pauses';
import { CallbackOutbox } from './infra/callback-outbox';
import { SendPacer } from './infra/send-pacer';
import { createWorkerMetrics } from './metrics';
import type { Readiness } from './ops-server';
import { createAbandonedSendHandler } from './processors/abandoned-send';
import { MessageLifecycle } from './processors/message-lifecycle';
import { createSendProcessor } from './processors/send-message.processor';
import { withLifecycle } from './processors/with-lifecycle';
import { createWorkerPool } from './worker-pool';

/** What {@link buildWorker} needs: connected connections and the settings. */
export interface BuildWorkerOptions {
  settings: WorkerSettings;
  /** The consumer connection (retried forever), already connected: queues, records, pauses. */
  redis: RedisClient;
  /** The token cache's own connection, already connected. */
  tokenRedis: RedisClient;
  logger: Logger;
  /** Whether a shutdown has begun, for readiness. @defaultValue never */
  isShuttingDown?: () => boolean;
}

/** A worker process's dependencies, built but not running. */
export interface WorkerRuntime {
  /** The worker's metrics, for the ops server's `/metrics`. */
  registry: Registry;
  /** Every queue of the catalogue, on the consumer connection. */
  queues: ServiceQueues;
  /** Starts the send, event and callback workers and the pause sweeps. */
  run(): void;
  /** What `/readyz` answers: Redis answers, not shutting down, token config errors by app. */
  readiness: () => Promise<Readiness>;
  /** What to close, in order, after readiness went false (the connections are the caller's). */
  shutdownSteps: ShutdownStep[];
  /** Runs {@link shutdownSteps} in order (tests). */
  close(): Promise<void>;
}

/**
 * Builds the worker's real dependencies over two connections: the catalogue's queues, record,
 * dead-letter, consent and msgid stores, the WeChat client and token service, app pauses and
 * the pacer, the send processor with what follows a final status, the follow-up workers and
 * the metrics. main.ts and the tests use the same wiring. Connects nothing itself; nothing is
 * fetched before `run()`.
 */
export function buildWorker(options: BuildWorkerOptions): WorkerRuntime {
  const { settings, redis, logger } = options;
  const keyspace = new Keyspace(settings.queuePrefix);
  const appIds = settings.apps.map((app) => app.appId);
  const context = { connection: redis, keyspace, logger };
  const { callbacks } = settings;
  const queues = openServiceQueues(context, appIds, {
    callbackJobOptions: callbackJobOptions(callbacks.maxAttempts, callbacks.backoffMs),
  });
  const sendQueue = (appId: string) => queues.send.forApp(appId);
  const metrics = createWorkerMetrics(queues.send.all());
  const client = new WeChatClient({
    baseUrl: settings.wechatApiBase,
    timeoutMs: settings.wechatTimeoutMs,
  });
  const tokens = new AccessTokenService({
    redis: options.tokenRedis,
    keyspace,
    client,
    apps: settings.apps,
    mode: settings.tokenMode,
    logger,
    hooks: { onFetch: metrics.onTokenFetch },
  });
  // A turn of a busy worker claims and finishes many messages: one script call per turn.
  const records = new RecordStore({
    redis,
    keyspace,
    ttlSeconds: settings.recordTtlSeconds,
    perTurn: true,
  });
  const deadLetters = new DeadLetterStore({
    redis,
    keyspace,
    records,
    deadLetterQueue: queues.deadLetters,
    sendQueue,
  });
  const pauses = new AppPauses({
    redis,
    keyspace,
    queueOf: sendQueue,
    logger,
    onPause: metrics.onPause,
  });
  const msgIds = new MsgIdIndex({
    redis,
    keyspace,
    indexTtlSeconds: settings.recordTtlSeconds,
    parkTtlSeconds: settings.eventParkTtlSeconds,
  });
  const consents = new ConsentLedger({ redis, keyspace });
  const lifecycle = new MessageLifecycle({
    records,
    msgIds,
    consents,
    callbacks: new CallbackOutbox(queues.callbacks),
    logger,
  });
  const sendProcessor = createSendProcessor({
    records,
    client,
    tokens,
    deadLetters,
    msgIds,
    pauses,
    pacer: new SendPacer(redis, keyspace, {
      perSecond: settings.rateLimitPerSec,
      inFlightMs: 3 * settings.wechatTimeoutMs,
    }),
    logger,
    hooks: metrics.sendHooks,
    policy: {
      maxAttempts: settings.maxAttempts,
      backoffBaseMs: settings.backoffBaseMs,
      backoffMaxMs: settings.backoffMaxMs,
    },
  });
  const tracked = withLifecycle(sendProcessor, records, lifecycle);
  const semaphore = new Semaphore(settings.concurrency);
  const pool = createWorkerPool({
    context,
    appIds,
    // With one app queue, its Worker's own concurrency is the bound and the semaphore is skipped.
    processor:
      appIds.length > 1 ? (job, token) => semaphore.use(() => tracked(job, token)) : tracked,
    concurrency: settings.concurrency,
    lockDurationMs: settings.lockDurationMs,
    stalledIntervalMs: settings.stalledIntervalMs,
    keepCompletedJobs: settings.keepCompletedJobs,
    onFailed: createAbandonedSendHandler({ records, deadLetters, logger }),
  });
  const followUps = createFollowUpWorkers({
    context,
    lifecycle,
    consents,
    deadCallbacks: queues.callbackDeadLetters,
    callbacks,
  });

  const shutdownSteps: ShutdownStep[] = [
    { name: 'app-pauses', run: () => pauses.close() },
    {
      name: 'workers',
      run: () => Promise.all([pool.close(), followUps.close()]).then(() => undefined),
    },
    { name: 'queues', run: () => queues.close() },
    { name: 'wechat-client', run: () => client.close() },
  ];
  return {
    registry: metrics.registry,
    queues,
    run() {
      pool.run();
      followUps.run();
      // Lifts the queue limit of pauses that ended while no worker was there to lift it.
      pauses.sweepEvery(appIds, settings.stalledIntervalMs);
    },
    readiness: async () => {
      const shuttingDown = options.isShuttingDown?.() ?? false;
      const redisOk = await redisAnswers(redis);
      return {
        ready: redisOk && !shuttingDown,
        redis: redisOk ? 'ok' : 'unavailable',
        shuttingDown,
        tokenConfigErrors: Object.fromEntries(tokens.configErrors()),
      };
    },
    shutdownSteps,
    async close() {
      for (const step of shutdownSteps) {
        await step.run();
      }
    },
  };
}
