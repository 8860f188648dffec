import type {
  AppSecretsKeys,
  Keyspace,
  Logger,
  RedisClient,
  SendShards,
} from '@wechat-dispatch/shared';
import { openAppRegistry, type AppRegistry } from './app-registry';
import { AppRegistryStore } from './app-registry-store';
import { SecretBox } from './secret-box';
import { seedRegistry, type SeedApp } from './seed-registry';

/** Options of {@link startAppRegistry}. */
export interface StartAppRegistryOptions {
  redis: RedisClient;
  keyspace: Keyspace;
  /** The send shards, whose counters say whether an app may be removed. @defaultValue one */
  shards?: SendShards;
  /** `APP_SECRETS_KEY` and `APP_SECRETS_KEY_PREVIOUS`. */
  keys: AppSecretsKeys;
  logger: Logger;
  /** The apps of `WECHAT_APPS` with what this process knows of them. @defaultValue none */
  seed?: readonly SeedApp[];
  /** @defaultValue 1000 */
  pollIntervalMs?: number;
}

/** A process's registry: the watched directory and the store that writes it. */
export interface StartedAppRegistry {
  directory: AppRegistry;
  store: AppRegistryStore;
}

/**
 * What a process with `APP_SECRETS_KEY` runs at start: seeds the registry from `WECHAT_APPS`,
 * loads every app and starts polling for changes. Close with `directory.close()`.
 */
export async function startAppRegistry(
  options: StartAppRegistryOptions,
): Promise<StartedAppRegistry> {
  const { redis, keyspace, logger } = options;
  const box = new SecretBox(options.keys.current, options.keys.previous);
  const store = new AppRegistryStore({ redis, keyspace, box, shards: options.shards });
  if (options.seed !== undefined && options.seed.length > 0) {
    const seeded = await seedRegistry(store, box, options.seed);
    logger.info('app registry seeded from WECHAT_APPS', {
      created: seeded.created.length,
      completed: seeded.completed.length,
      kept: seeded.kept.length,
    });
  }
  const directory = openAppRegistry({
    redis,
    keyspace,
    box,
    logger,
    pollIntervalMs: options.pollIntervalMs,
  });
  await directory.start();
  logger.info('app registry loaded', { apps: directory.list().length, keyId: box.keyId });
  return { directory, store };
}
