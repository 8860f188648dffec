import type { Registry } from 'prom-client';
import {
  ConsentLedger,
  callbackJobOptions,
  openServiceQueues,
  openShardSendQueues,
  staticAppDirectory,
  type AppCredentials,
  type AppDirectory,
  type ServiceQueues,
  type ComponentStore,
} from '@wechat-dispatch/core';
import {
  SendShards,
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
import type { DeadLetterSweep } from './infra/dead-letter-sweep';
import { createWorkerMetrics } from './metrics';
import type { Readiness } from './ops-server';
import { buildSendShard, type SendShard } from './send-shard';

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
  /** Each shard's send side, shard k at index k (tests reach a shard's stores here). */
  sendShards: readonly SendShard[];
  /** Shard 0's periodic dead-letter sweep (started by `run()`; tests call `sweepOnce`). */
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
  const shards = new SendShards(settings.queuePrefix, settings.sendShards);
  const keyspace = shards.global;
  const apps = options.apps ?? staticAppDirectory(settings.apps);
  const context = { connection: redis, keyspace, logger };
  const { callbacks } = settings;
  const queues = openServiceQueues(context, {
    callbackJobOptions: callbackJobOptions(callbacks.maxAttempts, callbacks.backoffMs),
  });
  const sendQueues = openShardSendQueues(context, shards.keyspaces, queues.send);
  const recordChanges = settings.archive?.recordChanges ?? false;
  const metrics = createWorkerMetrics(
    sendQueues,
    settings.metricsAppLabels,
    () => openBreakers(),
    recordChanges ? { redis, keyspaces: shards.keyspaces } : undefined,
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
  const consents = new ConsentLedger({ redis, keyspace });
  const shardDeps = {
    ...{ settings, redis, logger, apps, shards, queues, client, tokens, metrics, consents },
  };
  const sendShards = sendQueues.map((queue, shard) => buildSendShard(shardDeps, shard, queue));
  const shardOf = (appId: string) => sendShards[shards.shardOf(appId)]!;
  /** The apps whose circuit breaker is open, over every shard. */
  const openBreakers = async (): Promise<string[]> =>
    (await Promise.all(sendShards.map((s) => s.breakers.openApps()))).flat();
  const followUps = createFollowUpWorkers({
    context,
    lifecycle: { delivery: (appId, ...rest) => shardOf(appId).lifecycle.delivery(appId, ...rest) },
    consents,
    deadCallbacks: queues.callbackDeadLetters,
    callbacks,
  });

  const shutdownSteps: ShutdownStep[] = [
    {
      name: 'held-job-releases and dead-letter sweeps',
      run: () => Promise.all(sendShards.map((s) => s.stopBackground())).then(() => undefined),
    },
    {
      name: 'workers',
      run: () =>
        Promise.all([...sendShards.map((s) => s.closeWorker()), followUps.close()]).then(
          () => undefined,
        ),
    },
    {
      name: 'queues',
      run: () =>
        Promise.all([queues.close(), ...sendQueues.slice(1).map((q) => q.close())]).then(
          () => undefined,
        ),
    },
    { name: 'wechat-client', run: () => client.close() },
  ];
  return {
    registry: metrics.registry,
    queues,
    sendShards,
    async run() {
      for (const shard of sendShards) {
        await shard.run();
      }
      followUps.run();
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
          ? await withTimeout(openBreakers(), READINESS_TIMEOUT_MS).catch(() => [])
          : [],
      };
    },
    shutdownSteps,
    deadLetterSweep: sendShards[0]!.deadLetterSweep,
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
