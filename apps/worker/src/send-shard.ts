import type { Queue } from 'bullmq';
import {
  DeadLetterStore,
  MsgIdIndex,
  RecordStore,
  sendQueueSpec,
  type AppCredentials,
  type AppDirectory,
  type ConsentLedger,
  type SendJob,
  type ServiceQueues,
} from '@wechat-dispatch/core';
import type { Keyspace, Logger, RedisClient, SendShards } from '@wechat-dispatch/shared';
import type { AccessTokenService, WeChatClient } from '@wechat-dispatch/wechat-client';
import type { WorkerSettings } from './config';
import { AppPauses } from './infra/app-pauses';
import { CallbackOutbox } from './infra/callback-outbox';
import { CircuitBreakers } from './infra/circuit-breakers';
import { DeadLetterSweep } from './infra/dead-letter-sweep';
import { HeldJobs } from './infra/held-jobs';
import { moveLegacySendJobs } from './infra/legacy-send-queues';
import { SendPacer } from './infra/send-pacer';
import type { WorkerMetrics } from './metrics';
import { createAbandonedSendHandler } from './processors/abandoned-send';
import { MessageLifecycle } from './processors/message-lifecycle';
import { createSendProcessor } from './processors/send-message.processor';
import { withLifecycle } from './processors/with-lifecycle';
import { createWorkerPool } from './worker-pool';

/** What every shard of a worker process shares: the global queues, tokens and client. */
export interface SendShardDeps {
  settings: WorkerSettings;
  redis: RedisClient;
  logger: Logger;
  apps: AppDirectory & AppCredentials;
  shards: SendShards;
  /** The global queues (dead letters, callbacks, events; shard 0's send queue). */
  queues: ServiceQueues;
  client: WeChatClient;
  tokens: AccessTokenService;
  metrics: WorkerMetrics;
  /**
   * The consent ledger, global (shard 0): a batch's reservation over several apps stays one
   * all-or-nothing script.
   */
  consents: ConsentLedger;
}

/** One shard's send side: its stores under its hash tag, its send Worker, sweep and releases. */
export interface SendShard {
  shard: number;
  keyspace: Keyspace;
  sendQueue: Queue<SendJob>;
  records: RecordStore;
  lifecycle: MessageLifecycle;
  /** The circuit breakers of this shard's apps (their keys share the records' hash tag). */
  breakers: CircuitBreakers;
  deadLetterSweep: DeadLetterSweep;
  /** Moves legacy per-app jobs (shard 0), then starts the Worker, sweep and held-job releases. */
  run(): Promise<void>;
  /** Stops the releases and the sweep. */
  stopBackground(): Promise<void>;
  /** Closes the send Worker. */
  closeWorker(): Promise<void>;
}

/** The apps of one shard, as a directory (what the sweep and the held-job releases walk). */
function appsOfShard(apps: AppDirectory, shards: SendShards, shard: number): AppDirectory {
  const mine = (appId: string) => shards.shardOf(appId) === shard;
  return {
    get: (appId) => (mine(appId) ? apps.get(appId) : undefined),
    list: () => apps.list().filter((app) => mine(app.appId)),
    shardCount: apps.shardCount,
    onChange: (listener) => apps.onChange((appIds) => listener(appIds.filter(mine))),
  };
}

/**
 * Builds shard `shard`'s stores, send processor and BullMQ Worker (one per shard, so a
 * process's cost is `SEND_SHARDS` Workers whatever the number of apps). Every key a script of
 * this shard touches is under the shard's hash tag; tokens and the follow-up queues are global.
 */
export function buildSendShard(deps: SendShardDeps, shard: number, sendQueue: Queue<SendJob>) {
  const { settings, redis, logger, queues, metrics } = deps;
  const keyspace = deps.shards.keyspaces[shard]!;
  const apps = appsOfShard(deps.apps, deps.shards, shard);
  // A turn of a busy worker claims and finishes many messages: one script call per turn.
  const records = new RecordStore({
    redis,
    keyspace,
    ttlSeconds: settings.recordTtlSeconds,
    perTurn: true,
    archiveChanges: settings.archive?.recordChanges ?? false,
  });
  const deadLetters = new DeadLetterStore({
    redis,
    keyspace,
    records,
    deadLetterQueue: queues.deadLetters,
    sendQueue,
  });
  const pauses = new AppPauses({ redis, keyspace, logger, onPause: metrics.onPause });
  const held = new HeldJobs({ redis, keyspace, queue: sendQueue, logger });
  const breakers = new CircuitBreakers({
    redis,
    keyspace,
    logger,
    policy: { ...settings.breaker, probeLeaseMs: 3 * settings.wechatTimeoutMs },
    onClose: (appId) => {
      held
        .release(appId)
        .catch((err: unknown) => logger.warn('releasing held sends failed', { appId, err }));
    },
  });
  const msgIds = new MsgIdIndex({
    redis,
    keyspace,
    indexTtlSeconds: settings.recordTtlSeconds,
    parkTtlSeconds: settings.eventParkTtlSeconds,
  });
  const { consents } = deps;
  const lifecycle = new MessageLifecycle({
    records,
    msgIds,
    consents,
    callbacks: new CallbackOutbox(queues.callbacks),
    logger,
  });
  const sendProcessor = createSendProcessor({
    records,
    client: deps.client,
    tokens: deps.tokens,
    deadLetters,
    msgIds,
    pauses,
    breakers,
    pacer: new SendPacer(redis, keyspace, { inFlightMs: 3 * settings.wechatTimeoutMs }),
    apps: deps.apps,
    held,
    defaultRatePerSec: settings.rateLimitPerSec,
    logger,
    hooks: metrics.sendHooks,
    policy: {
      maxAttempts: settings.maxAttempts,
      backoffBaseMs: settings.backoffBaseMs,
      backoffMaxMs: settings.backoffMaxMs,
    },
  });
  const pool = createWorkerPool({
    context: { connection: redis, keyspace, logger },
    spec: sendQueueSpec(shard),
    processor: withLifecycle(sendProcessor, records, lifecycle),
    // WORKER_CONCURRENCY is the process's: its shards share it.
    concurrency: Math.max(1, Math.ceil(settings.concurrency / deps.shards.count)),
    lockDurationMs: settings.lockDurationMs,
    stalledIntervalMs: settings.stalledIntervalMs,
    keepCompletedJobs: settings.keepCompletedJobs,
    onFailed: createAbandonedSendHandler({ records, deadLetters, logger }),
  });
  const releases = releaseHeldJobsOnEnable(apps, held, logger);
  const deadLetterSweep = new DeadLetterSweep({
    redis,
    keyspace,
    store: deadLetters,
    apps,
    deadCallbacks: queues.callbackDeadLetters,
    keepMs: settings.recordTtlSeconds * 1000,
    intervalMs: settings.deadLetterSweepSeconds * 1000,
    logger,
  });
  return {
    shard,
    keyspace,
    sendQueue,
    records,
    lifecycle,
    breakers,
    deadLetterSweep,
    async run() {
      // Per-app queues of before #16 were under shard 0's tag, with their records.
      if (shard === 0) {
        await moveLegacySendJobs({
          redis,
          keyspace,
          queue: sendQueue,
          appIds: apps.list().map((app) => app.appId),
          logger,
        });
      }
      pool.run();
      releases.start();
      deadLetterSweep.start();
    },
    async stopBackground() {
      releases.stop();
      await deadLetterSweep.stop();
    },
    closeWorker: () => pool.close(),
  } satisfies SendShard;
}

/**
 * Promotes the held jobs of apps that are (again) enabled: at start, for apps enabled while no
 * worker ran, and whenever the directory reports a change.
 */
function releaseHeldJobsOnEnable(apps: AppDirectory, held: HeldJobs, logger: Logger) {
  let unsubscribe: (() => void) | undefined;
  const release = (appIds: readonly string[]) => {
    for (const appId of appIds) {
      if (apps.get(appId)?.enabled) {
        held
          .release(appId)
          .catch((err: unknown) => logger.warn('releasing held sends failed', { appId, err }));
      }
    }
  };
  return {
    start() {
      unsubscribe = apps.onChange(release);
      held
        .appsWithHeldJobs()
        .then(release, (err: unknown) => logger.warn('listing held sends failed', { err }));
    },
    stop() {
      unsubscribe?.();
    },
  };
}
