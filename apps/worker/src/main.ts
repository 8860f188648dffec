import { Queue } from 'bullmq';
import {
  DEAD_LETTER_QUEUE,
  DeadLetterStore,
  RecordStore,
  sendQueueName,
  type DeadLetterJob,
} from '@wechat-dispatch/core';
import {
  Keyspace,
  checkRedisSafety,
  closeRedis,
  createLogger,
  describeTopology,
  loadConfigOrExit,
  openRedis,
  registerShutdown,
  secretRedactor,
  redisAnswers,
} from '@wechat-dispatch/shared';
import { AccessTokenService, WeChatClient } from '@wechat-dispatch/wechat-client';
import { loadWorkerConfig } from './config';
import { createWorkerMetrics } from './metrics';
import { createOpsServer } from './ops-server';
import { createSendProcessor } from './processors/send-message.processor';
import { createWorkerPool, type WorkerPool } from './worker-pool';
import { createAbandonedSendHandler } from './processors/abandoned-send';
import { createFollowUpWorkers } from './follow-up-workers';
import { withLifecycle } from './processors/with-lifecycle';
import { Semaphore } from './domain/semaphore';
import { AppPauses } from './infra/app-pauses';
import { SendPacer } from './infra/send-pacer';

async function main(): Promise<void> {
  const config = loadConfigOrExit(() => loadWorkerConfig());
  config.apps.forEach((app) => secretRedactor.registerSecret(app.appSecret));
  config.callbacks.secrets.forEach((entry) => secretRedactor.registerSecret(entry.secret));
  const logger = createLogger({ service: 'worker', level: config.logLevel });

  const redis = await openRedis(config.redis, 'consumer', 'wxd-worker', {
    logger,
    label: 'worker',
  });
  await checkRedisSafety(redis, logger);
  const tokenRedis = await openRedis(config.redis, 'client', 'wxd-worker-tokens', {
    logger,
    label: 'worker-tokens',
  });

  const keyspace = new Keyspace(config.queuePrefix);
  const appIds = config.apps.map((app) => app.appId);
  // The metrics read queue depths from the pool that is built after them (it needs their hooks).
  const poolRef: { current?: WorkerPool } = {};
  const metrics = createWorkerMetrics(() => poolRef.current?.queues ?? []);
  const client = new WeChatClient({
    baseUrl: config.wechatApiBase,
    timeoutMs: config.wechatTimeoutMs,
  });
  const tokens = new AccessTokenService({
    redis: tokenRedis,
    keyspace,
    client,
    apps: config.apps,
    mode: config.tokenMode,
    logger,
    hooks: { onFetch: metrics.onTokenFetch },
  });
  // A turn of a busy worker claims and finishes many messages: one script call per turn.
  const records = new RecordStore({
    redis,
    keyspace,
    ttlSeconds: config.recordTtlSeconds,
    perTurn: true,
  });
  const deadLetterQueue = new Queue<DeadLetterJob>(DEAD_LETTER_QUEUE, {
    connection: redis,
    prefix: keyspace.root,
  });
  deadLetterQueue.on('error', (err) =>
    logger.warn('queue error', { queue: DEAD_LETTER_QUEUE, error: err.message }),
  );
  const sendQueue = (appId: string) => {
    const queue = poolRef.current?.queues.find((q) => q.name === sendQueueName(appId));
    if (!queue) {
      throw new Error(`no send queue for app ${appId}`);
    }
    return queue;
  };
  const deadLetters = new DeadLetterStore({ redis, keyspace, records, deadLetterQueue, sendQueue });
  const pauses = new AppPauses(redis, keyspace, sendQueue, logger, metrics.onPause);
  const pacer = new SendPacer(redis, keyspace, {
    perSecond: config.rateLimitPerSec,
    inFlightMs: 3 * config.wechatTimeoutMs,
  });
  const followUps = createFollowUpWorkers({
    connection: redis,
    keyspace,
    records,
    logger,
    recordTtlSeconds: config.recordTtlSeconds,
    eventParkTtlSeconds: config.eventParkTtlSeconds,
    callbacks: config.callbacks,
  });
  const semaphore = new Semaphore(config.concurrency);
  const sendProcessor = createSendProcessor({
    records,
    client,
    tokens,
    deadLetters,
    msgIds: followUps.msgIds,
    pauses,
    pacer,
    logger,
    hooks: metrics.sendHooks,
    policy: {
      maxAttempts: config.maxAttempts,
      backoffBaseMs: config.backoffBaseMs,
      backoffMaxMs: config.backoffMaxMs,
    },
  });
  const tracked = withLifecycle(sendProcessor, records, followUps.lifecycle);
  const pool = createWorkerPool({
    connection: redis,
    keyspace,
    appIds,
    // With one app queue, its Worker's own concurrency is the bound and the semaphore is skipped.
    processor:
      appIds.length > 1 ? (job, token) => semaphore.use(() => tracked(job, token)) : tracked,
    concurrency: config.concurrency,
    lockDurationMs: config.lockDurationMs,
    stalledIntervalMs: config.stalledIntervalMs,
    keepCompletedJobs: config.keepCompletedJobs,
    onFailed: createAbandonedSendHandler({ records, deadLetters, logger }),
    logger,
  });

  let shuttingDown = false;
  const ops = createOpsServer({
    registry: metrics.registry,
    readiness: async () => {
      const redisOk = await redisAnswers(redis);
      const tokenConfigErrors = Object.fromEntries(tokens.configErrors());
      return {
        ready: redisOk && !shuttingDown,
        redis: redisOk ? 'ok' : 'unavailable',
        shuttingDown,
        tokenConfigErrors,
      };
    },
  });
  if (config.httpPort > 0) {
    ops.listen(config.httpPort, () =>
      logger.info('worker ops server listening', { port: config.httpPort }),
    );
  }

  poolRef.current = pool;
  pool.run();
  followUps.run();
  // Lifts the queue limit of pauses that ended while no worker was there to lift it.
  pauses.sweepEvery(appIds, config.stalledIntervalMs);
  logger.info('worker started', {
    redis: describeTopology(config.redis),
    apps: appIds,
    concurrency: config.concurrency,
    tokenMode: config.tokenMode,
  });

  registerShutdown({
    logger,
    timeoutMs: config.shutdownTimeoutMs,
    steps: [
      { name: 'readiness', run: () => void (shuttingDown = true) },
      { name: 'app-pauses', run: () => pauses.close() },
      {
        name: 'workers',
        run: () => Promise.all([pool.close(), followUps.close()]).then(() => undefined),
      },
      { name: 'dead-letter-queue', run: () => deadLetterQueue.close() },
      { name: 'ops-server', run: () => new Promise<void>((resolve) => ops.close(() => resolve())) },
      { name: 'wechat-client', run: () => client.close() },
      {
        name: 'redis',
        run: async () => void (await Promise.all([closeRedis(redis), closeRedis(tokenRedis)])),
      },
    ],
  });
}

main().catch((err: unknown) => {
  process.stderr.write(
    `worker failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});
