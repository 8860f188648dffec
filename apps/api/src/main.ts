import { createServer, type Server } from 'node:http';
import { startAppRegistry, type SeedApp } from '@wechat-dispatch/core';
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
  weakApiKeyWarnings,
} from '@wechat-dispatch/shared';
import { createApp } from './app';
import { buildApiDeps } from './compose';
import { apiConfigWarnings, loadApiConfig, type ApiConfig } from './config';

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
  secretRedactor.registerSecret(config.metricsToken);
  const logger = createLogger({ service: 'api', level: config.logLevel });
  weakApiKeyWarnings(config.apiKeys).forEach((warning) => logger.warn(warning));
  apiConfigWarnings(config).forEach((warning) => logger.warn('weak configuration', { warning }));

  const redis = await openRedis(config.redis, 'producer', 'wxd-api', { logger, label: 'api' });
  await checkRedisSafety(redis, logger);

  let shuttingDown = false;
  const keyspace = new Keyspace(config.queuePrefix);
  const registry = config.secretsKeys
    ? await startAppRegistry({
        redis,
        keyspace,
        keys: config.secretsKeys,
        logger,
        seed: seedOf(config),
      })
    : undefined;
  const appIds = (registry?.directory.list() ?? config.apps).map((app) => app.appId);
  const runtime = buildApiDeps({
    redis,
    keyspace,
    logger,
    appIds,
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
  });
  const app = createApp(runtime.deps);
  const server: Server = createServer(app.listener).listen(config.port, () => {
    logger.info('api listening', {
      port: config.port,
      redis: describeTopology(config.redis),
      apps: appIds.length > 20 ? appIds.length : appIds,
      appRegistry: registry !== undefined,
      dashboard: config.admin !== undefined,
      rateLimitPerMin: config.rateLimitPerMin,
      eventApps: config.eventTokens.map((entry) => entry.appId),
      consentMode: config.consentMode,
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
