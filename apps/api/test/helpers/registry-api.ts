import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  openAppRegistry,
  SecretBox,
  startAppRegistry,
  type AppRegistry,
  type StartedAppRegistry,
} from '@wechat-dispatch/core';
import { Keyspace, createLogger } from '@wechat-dispatch/shared';
import { TEST_REDIS_URL, uniquePrefix } from '@wechat-dispatch/testkit';
import { startTestApi, type TestApi, type TestApiOptions } from './test-api';

const logger = createLogger({ service: 'test', silent: process.env.LOG_LEVEL === undefined });

/** An in-process API with the app registry on (as with APP_SECRETS_KEY), and its registry. */
export interface RegistryApi {
  api: TestApi;
  registry: StartedAppRegistry;
  key: Buffer;
  /** Another process's view of the same registry (own connection, 1 s poll). */
  otherProcess(): Promise<AppRegistry>;
  close(): Promise<void>;
}

/** Starts the API over a registry seeded with `seed`, as main.ts does with APP_SECRETS_KEY. */
export async function startRegistryApi(options: TestApiOptions = {}): Promise<RegistryApi> {
  const prefix = uniquePrefix('apps-api');
  const keyspace = new Keyspace(prefix);
  const key = randomBytes(32);
  const connections: Redis[] = [];
  const open = () => {
    const redis = new Redis(TEST_REDIS_URL);
    connections.push(redis);
    return redis;
  };
  const registry = await startAppRegistry({
    redis: open(),
    keyspace,
    keys: { current: key },
    logger,
  });
  const others: AppRegistry[] = [];
  const api = await startTestApi({ appIds: [], ...options, prefix, registry });
  return {
    api,
    registry,
    key,
    async otherProcess() {
      const other = openAppRegistry({ redis: open(), keyspace, box: new SecretBox(key), logger });
      others.push(other);
      await other.start();
      return other;
    },
    async close() {
      registry.directory.close();
      others.forEach((other) => other.close());
      await api.close();
      await Promise.all(connections.map((redis) => redis.quit()));
    },
  };
}
