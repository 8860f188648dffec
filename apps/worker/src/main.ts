import { ComponentStore, SecretBox, startAppRegistry, startArchive } from '@wechat-dispatch/core';
import {
  Keyspace,
  checkRedisSafety,
  checkShardCount,
  SendShards,
  closeRedis,
  createLogger,
  describeTopology,
  loadConfigOrExit,
  databasePassword,
  openRedis,
  registerShutdown,
  secretRedactor,
} from '@wechat-dispatch/shared';
import { buildWorker } from './compose';
import { loadWorkerConfig } from './config';
import { createOpsServer } from './ops-server';

async function main(): Promise<void> {
  const config = loadConfigOrExit(() => loadWorkerConfig());
  config.apps.forEach((app) => secretRedactor.registerSecret(app.appSecret));
  config.callbacks.secrets.forEach((entry) => secretRedactor.registerSecret(entry.secret));
  secretRedactor.registerSecret(config.metricsToken);
  secretRedactor.registerSecret(databasePassword(config.archive.databaseUrl));
  const logger = createLogger({ service: 'worker', level: config.logLevel });

  const redis = await openRedis(config.redis, 'consumer', 'wxd-worker', {
    logger,
    label: 'worker',
  });
  await checkRedisSafety(redis, logger);
  const shards = new SendShards(config.queuePrefix, config.sendShards);
  await checkShardCount(redis, shards);
  const tokenRedis = await openRedis(config.redis, 'client', 'wxd-worker-tokens', {
    logger,
    label: 'worker-tokens',
  });

  let shuttingDown = false;
  const registry = config.secretsKeys
    ? await startAppRegistry({
        redis,
        shards,
        keyspace: new Keyspace(config.queuePrefix),
        keys: config.secretsKeys,
        logger,
        seed: config.apps,
      })
    : undefined;
  // The worker archives when the archive is a PostgreSQL server (the embedded one is the API's).
  const runArchiver = config.archive.databaseUrl !== undefined && config.archive.archiver !== 'off';
  const archiverRedis = runArchiver
    ? await openRedis(config.redis, 'consumer', 'wxd-worker-archiver', {
        logger,
        label: 'archiver',
      })
    : undefined;
  const archive = runArchiver
    ? await startArchive({
        databaseUrl: config.archive.databaseUrl,
        retentionDays: config.archive.retentionDays,
        runArchiver,
        archiverRedis,
        keyspace: new Keyspace(config.queuePrefix),
        shardKeyspaces: shards.keyspaces,
        logger,
      })
    : undefined;
  const runtime = buildWorker({
    settings: config,
    redis,
    tokenRedis,
    logger,
    isShuttingDown: () => shuttingDown,
    apps: registry?.directory,
    components: config.secretsKeys
      ? new ComponentStore({
          redis,
          keyspace: new Keyspace(config.queuePrefix),
          box: new SecretBox(config.secretsKeys.current, config.secretsKeys.previous),
        })
      : undefined,
  });
  const ops = createOpsServer({
    registry: runtime.registry,
    readiness: runtime.readiness,
    metricsToken: config.metricsToken,
  });
  if (config.httpPort > 0) {
    ops.listen(config.httpPort, () =>
      logger.info('worker ops server listening', { port: config.httpPort }),
    );
  }

  await runtime.run();
  logger.info('worker started', {
    redis: describeTopology(config.redis),
    apps: registry ? registry.directory.list().length : config.apps.length,
    appRegistry: registry !== undefined,
    concurrency: config.concurrency,
    tokenMode: config.tokenMode,
    archiver: archive !== undefined,
  });

  registerShutdown({
    logger,
    timeoutMs: config.shutdownTimeoutMs,
    steps: [
      { name: 'readiness', run: () => void (shuttingDown = true) },
      ...runtime.shutdownSteps,
      { name: 'app-registry', run: () => registry?.directory.close() },
      { name: 'archive', run: () => archive?.close() },
      { name: 'archiver-redis', run: () => archiverRedis && closeRedis(archiverRedis) },
      { name: 'ops-server', run: () => new Promise<void>((resolve) => ops.close(() => resolve())) },
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
