import type { Server } from 'node:http';
import {
  ComponentStore,
  SecretBox,
  startAppRegistry,
  startArchive,
  type SeedApp,
} from '@wechat-dispatch/core';
import { WeChatClient } from '@wechat-dispatch/wechat-client';
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
  weakApiKeyWarnings,
  type Logger,
  type RedisClient,
} from '@wechat-dispatch/shared';
import { createApp } from './app';
import { buildApiDeps } from './compose';
import { apiConfigWarnings, loadApiConfig, type ApiConfig } from './config';
import { createApiServer } from './http/api-server';

/** What the API knows of each app of `WECHAT_APPS`, to seed the registry with. */
function seedOf(config: ApiConfig): SeedApp[] {
  const tokens = new Map(config.eventTokens.map((entry) => [entry.appId, entry]));
  return config.apps.map((app) => ({
    appId: app.appId,
    appSecret: app.appSecret,
    eventToken: tokens.get(app.appId)?.token,
    encodingAesKey: tokens.get(app.appId)?.encodingAESKey,
    consentExempt: config.consentExemptApps.includes(app.appId) || undefined,
  }));
}

/** The component store, seeded from `WECHAT_COMPONENTS` (an existing component is kept). */
async function startOpenPlatform(
  config: ApiConfig,
  redis: RedisClient,
  keyspace: Keyspace,
  logger: Logger,
) {
  const keys = config.secretsKeys!;
  const store = new ComponentStore({
    redis,
    keyspace,
    box: new SecretBox(keys.current, keys.previous),
  });
  for (const { componentAppId, ...input } of config.components) {
    const created = await store.seed(componentAppId, input);
    logger.info('component seeded from WECHAT_COMPONENTS', { componentAppId, created });
  }
  const client = new WeChatClient({
    baseUrl: config.wechatApiBase,
    timeoutMs: config.wechatTimeoutMs,
  });
  return { store, client, loginPageUrl: config.componentLoginUrl };
}

async function main(): Promise<void> {
  const config = loadConfigOrExit(() => loadApiConfig());
  config.apps.forEach((app) => secretRedactor.registerSecret(app.appSecret));
  config.apiKeys.forEach((entry) => secretRedactor.registerSecret(entry.key));
  secretRedactor.registerSecret(config.admin?.password);
  config.eventTokens.forEach((entry) => {
    secretRedactor.registerSecret(entry.token);
    secretRedactor.registerSecret(entry.encodingAESKey);
  });
  config.callbackSecrets.forEach((entry) => secretRedactor.registerSecret(entry.secret));
  config.components.forEach((entry) =>
    [entry.componentSecret, entry.token, entry.encodingAesKey].forEach((secret) =>
      secretRedactor.registerSecret(secret),
    ),
  );
  secretRedactor.registerSecret(config.metricsToken);
  secretRedactor.registerSecret(databasePassword(config.archive.databaseUrl));
  const logger = createLogger({ service: 'api', level: config.logLevel });
  weakApiKeyWarnings(config.apiKeys).forEach((warning) => logger.warn(warning));
  apiConfigWarnings(config).forEach((warning) => logger.warn('weak configuration', { warning }));

  const redis = await openRedis(config.redis, 'producer', 'wxd-api', { logger, label: 'api' });
  await checkRedisSafety(redis, logger);
  const shards = new SendShards(config.queuePrefix, config.sendShards);
  await checkShardCount(redis, shards);

  let shuttingDown = false;
  const keyspace = new Keyspace(config.queuePrefix);
  const registry = config.secretsKeys
    ? await startAppRegistry({
        redis,
        shards,
        keyspace,
        keys: config.secretsKeys,
        logger,
        seed: seedOf(config),
      })
    : undefined;
  const appIds = (registry?.directory.list() ?? config.apps).map((app) => app.appId);
  // The embedded archive can be opened by one process only: the API's, which then archives too.
  const runArchiver =
    config.archive.archiver === 'on' ||
    (config.archive.archiver === 'auto' && config.archive.embeddedDir !== undefined);
  const archiverRedis = runArchiver
    ? await openRedis(config.redis, 'consumer', 'wxd-api-archiver', { logger, label: 'archiver' })
    : undefined;
  const archive = await startArchive({
    databaseUrl: config.archive.databaseUrl,
    embeddedDir: config.archive.embeddedDir,
    retentionDays: config.archive.retentionDays,
    runArchiver,
    archiverRedis,
    keyspace,
    shardKeyspaces: shards.keyspaces,
    logger,
  });
  const openPlatform = config.secretsKeys
    ? await startOpenPlatform(config, redis, keyspace, logger)
    : undefined;
  const runtime = buildApiDeps({
    archive: archive?.search,
    redis,
    keyspace,
    sendShards: config.sendShards,
    logger,
    appIds,
    appSecrets: config.apps,
    registry,
    apiKeys: config.apiKeys,
    adminCallers: config.adminCallers,
    rateLimitPerMin: config.rateLimitPerMin,
    admin: config.admin,
    recordTtlSeconds: config.recordTtlSeconds,
    sendAtMaxDays: config.sendAtMaxDays,
    trustProxyHops: config.trustProxyHops,
    authFailureLimit: config.authFailureLimit,
    authFailureWindowSeconds: config.authFailureWindowSeconds,
    metricsToken: config.metricsToken,
    isShuttingDown: () => shuttingDown,
    processMetrics: true,
    eventTokens: config.eventTokens,
    eventMaxAgeSeconds: config.eventMaxAgeSeconds,
    consent: { mode: config.consentMode, exemptApps: config.consentExemptApps },
    callbackCallers: config.callbackSecrets.map((entry) => entry.caller),
    callbackAllowlist: config.callbackAllowlist,
    callbackProtectedPorts: config.callbackProtectedPorts,
    openPlatform,
    wechatProxy: config.wechatProxy,
    compatCallers: config.compatCallers,
  });
  const app = createApp(runtime.deps);
  const server: Server = createApiServer(app.listener).listen(config.port, () => {
    logger.info('api listening', {
      port: config.port,
      redis: describeTopology(config.redis),
      apps: appIds.length > 20 ? appIds.length : appIds,
      appRegistry: registry !== undefined,
      dashboard: config.admin !== undefined,
      rateLimitPerMin: config.rateLimitPerMin,
      eventApps: config.eventTokens.map((entry) => entry.appId),
      consentMode: config.consentMode,
      archive: archive ? `${archive.database.kind}${runArchiver ? ' (archiving)' : ''}` : 'none',
    });
  });

  registerShutdown({
    logger,
    timeoutMs: config.shutdownTimeoutMs,
    steps: [
      { name: 'readiness', run: () => void (shuttingDown = true) },
      { name: 'app-registry', run: () => registry?.directory.close() },
      {
        name: 'http',
        run: () =>
          new Promise<void>((resolve, reject) => {
            server.close((err) => (err ? reject(err) : resolve()));
            server.closeIdleConnections();
          }),
      },
      { name: 'queues', run: () => runtime.close() },
      { name: 'archive', run: () => archive?.close() },
      { name: 'archiver-redis', run: () => archiverRedis && closeRedis(archiverRedis) },
      { name: 'wechat-client', run: () => openPlatform?.client.close() },
      { name: 'redis', run: () => closeRedis(redis) },
    ],
  });
}

main().catch((err: unknown) => {
  process.stderr.write(
    `api failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});
