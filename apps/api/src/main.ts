import type { Server } from 'node:http';
import { RecordStore } from '@wechat-dispatch/core';
import {
  Keyspace,
  checkRedisSafety,
  closeRedis,
  connectRedis,
  createLogger,
  createRedis,
  loadConfigOrExit,
  registerShutdown,
  secretRedactor,
  watchRedis,
} from '@wechat-dispatch/shared';
import { createApp } from './app';
import { loadApiConfig } from './config';
import { MessageService } from './domain/message-service';
import { SendQueues } from './infra/send-queues';

async function main(): Promise<void> {
  const config = loadConfigOrExit(() => loadApiConfig());
  config.apps.forEach((app) => secretRedactor.registerSecret(app.appSecret));
  config.apiKeys.forEach((entry) => secretRedactor.registerSecret(entry.key));
  const logger = createLogger({ service: 'api', level: config.logLevel });

  const redis = createRedis(config.redisUrl, 'producer', 'wxd-api');
  watchRedis(redis, logger, 'api');
  await connectRedis(redis);
  await checkRedisSafety(redis, logger);

  const keyspace = new Keyspace(config.queuePrefix);
  const appIds = config.apps.map((app) => app.appId);
  const queues = new SendQueues(redis, keyspace, appIds, logger);
  const records = new RecordStore({ redis, keyspace, ttlSeconds: config.recordTtlSeconds });
  const messages = new MessageService({ records, queues, appIds, logger });

  let shuttingDown = false;
  const app = createApp({
    logger,
    redis,
    messages,
    apiKeys: config.apiKeys,
    trustProxyHops: config.trustProxyHops,
    isShuttingDown: () => shuttingDown,
  });
  const server: Server = app.listen(config.port, () => {
    logger.info('api listening', { port: config.port, apps: appIds });
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
      { name: 'queues', run: () => queues.close() },
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
