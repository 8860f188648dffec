import type { Registry } from 'prom-client';
import {
  ConsentLedger,
  DeadLetterStore,
  MsgIdIndex,
  RecordStore,
  callbackJobOptions,
  openServiceQueues,
  staticAppDirectory,
  type AppCredentials,
  type AppDirectory,
  type ServiceQueues,
  type ComponentStore,
} from '@wechat-dispatch/core';
import {
  Keyspace,
  redisAnswers,
  withTimeout,
  type Logger,
  type RedisClient,
  type ShutdownStep,
} from '@wechat-dispatch/shared';
import {
  AccessTokenService,
  WeChatClient,
  authorizerGrant,
  componentTokenSource,
} from '@wechat-dispatch/wechat-client';
import type { WorkerSettings } from './config';
import { createFollowUpWorkers } from './follow-up-workers';
import { AppPauses } from './infra/app-pauses';
import { CallbackOutbox } from './infra/callback-outbox';
import { CircuitBreakers } from './infra/circuit-breakers';
import { DeadLetterSweep } from './infra/dead-letter-sweep';
import { HeldJobs } from './infra/held-jobs';
import { moveLegacySendJobs } from './infra/legacy-send-queues';
import { SendPacer } from './infra/send-pacer';
import { createWorkerMetrics } from './metrics';
import type { Readiness } from './ops-server';
import { createAbandonedSendHandler } from './processors/abandoned-send';
import { MessageLifecycle } from './processors/message-lifecycle';
import { createSendProcessor } from './processors/send-message.processor';
import { withLifecycle } from './processors/with-lifecycle';
import { createWorkerPool } from './worker-pool';

/** How long readiness waits for the list of open breakers. */
const READINESS_TIMEOUT_MS = 1000;

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
  /**
   * The apps and their secrets, kept current (the app registry).
   * @defaultValue the static directory of `settings.apps`
   */
  apps?: AppDirectory & AppCredentials;
  /**
   * The Open Platform store: authorizers' tokens come from their component through it.
   * @defaultValue none (an authorizer's sends wait with a token configuration error)
   */
  components?: ComponentStore;
}

/** A worker process's dependencies, built but not running. */
export interface WorkerRuntime {
  /** The worker's metrics, for the ops server's `/metrics`. */
  registry: Registry;
  /** Every queue of the catalogue, on the consumer connection. */
  queues: ServiceQueues;
  /**
   * Moves what a version before #16 left in per-app send queues, then starts the send, event
   * and callback workers and the release of held jobs.
   */
  run(): Promise<void>;
  /** What `/readyz` answers: Redis answers, not shutting down, token config errors by app. */
  readiness: () => Promise<Readiness>;
  /** What to close, in order, after readiness went false (the connections are the caller's). */
  shutdownSteps: ShutdownStep[];
  /** The periodic dead-letter sweep (started by `run()`; tests call `sweepOnce`). */
  deadLetterSweep: DeadLetterSweep;
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
  const apps = options.apps ?? staticAppDirectory(settings.apps);
  const context = { connection: redis, keyspace, logger };
  const { callbacks } = settings;
  const queues = openServiceQueues(context, {
    callbackJobOptions: callbackJobOptions(callbacks.maxAttempts, callbacks.backoffMs),
  });
  const sendQueue = queues.send;
  const recordChanges = settings.archive?.recordChanges ?? false;
  const metrics = createWorkerMetrics(
    [sendQueue],
    settings.metricsAppLabels,
    () => breakers.openApps(),
    recordChanges ? { redis, keyspace } : undefined,
  );
  const client = new WeChatClient({
    baseUrl: settings.wechatApiBase,
    timeoutMs: settings.wechatTimeoutMs,
  });
  const componentTokens = new AccessTokenService({
    redis: options.tokenRedis,
    keyspace,
    client,
    // A missing ticket is found without calling WeChat: retry soon after the next push.
    negativeTtlMs: 2000,
    apps: componentTokenSource(client, options.components ?? noComponents),
    logger,
    hooks: { onFetch: metrics.onTokenFetch },
  });
  const grantDeps = {
    client,
    componentTokens,
    vault: options.components ?? noComponents,
    logger,
  };
  const tokens = new AccessTokenService({
    redis: options.tokenRedis,
    keyspace,
    client,
    // Read at each fetch: a new app works at once and a rotated secret is used next.
    apps: {
      secretOf: (appId) => apps.secretOf(appId),
      tokenModeOf: (appId) => apps.get(appId)?.tokenMode,
      grantOf: (appId) => {
        const app = apps.get(appId);
        return app?.tokenSource === 'component' && app.componentAppId !== undefined
          ? authorizerGrant(grantDeps, app.componentAppId, appId)
          : undefined;
      },
    },
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
    archiveChanges: recordChanges,
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
    breakers,
    pacer: new SendPacer(redis, keyspace, { inFlightMs: 3 * settings.wechatTimeoutMs }),
    apps,
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
    context,
    processor: withLifecycle(sendProcessor, records, lifecycle),
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
  const shutdownSteps: ShutdownStep[] = [
    { name: 'held-job-releases', run: () => releases.stop() },
    { name: 'dead-letter-sweep', run: () => deadLetterSweep.stop() },
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
    async run() {
      await moveLegacySendJobs({
        redis,
        keyspace,
        queue: sendQueue,
        appIds: apps.list().map((app) => app.appId),
        logger,
      });
      pool.run();
      followUps.run();
      releases.start();
      deadLetterSweep.start();
    },
    readiness: async () => {
      const shuttingDown = options.isShuttingDown?.() ?? false;
      const redisOk = await redisAnswers(redis, keyspace.root);
      return {
        ready: redisOk && !shuttingDown,
        redis: redisOk ? 'ok' : 'unavailable',
        shuttingDown,
        tokenConfigErrors: Object.fromEntries([
          ...componentTokens.configErrors(),
          ...tokens.configErrors(),
        ]),
        // WeChat down for an app is not this worker's fault: named here, readiness unchanged.
        openBreakers: redisOk
          ? await withTimeout(breakers.openApps(), READINESS_TIMEOUT_MS).catch(() => [])
          : [],
      };
    },
    shutdownSteps,
    deadLetterSweep,
    async close() {
      for (const step of shutdownSteps) {
        await step.run();
      }
    },
  };
}

/** Without the Open Platform store: no component, no authorizer refresh token. */
const noComponents = {
  credentials: () => Promise.resolve(undefined),
  ticket: () => Promise.resolve(undefined),
  refreshToken: () => Promise.resolve(undefined),
  swapRefreshToken: () => Promise.resolve(false),
};

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
