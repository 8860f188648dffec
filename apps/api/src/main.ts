import { createServer, type Server } from 'node:http';
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
} from '@wechat-dispatch/shared';
import { createApp } from './app';
import { buildApiDeps } from './compose';
import { apiConfigWarnings, loadApiConfig } from './config';

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
  apiConfigWarnings(config).forEach((warning) => logger.warn('weak configuration', { warning }));

  const redis = await openRedis(config.redis, 'producer', 'wxd-api', { logger, label: 'api' });
  await checkRedisSafety(redis, logger);

  let shuttingDown = false;
  const appIds = config.apps.map((app) => app.appId);
  const runtime = buildApiDeps({
    redis,
    keyspace: new Keyspace(config.queuePrefix),
    logger,
    appIds,
    apiKeys: config.apiKeys,
    adminCallers: config.adminCallers,
    rateLimitPerMin: config.rateLimitPerMin,
    admin: config.admin,
    recordTtlSeconds: config.recordTtlSeconds,
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
  });
  const app = createApp(runtime.deps);
  const server: Server = createServer(app.listener).listen(config.port, () => {
    logger.info('api listening', {
      port: config.port,
      redis: describeTopology(config.redis),
      apps: appIds,
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
