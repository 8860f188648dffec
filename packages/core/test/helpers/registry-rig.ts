import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { Keyspace, createLogger } from '@wechat-dispatch/shared';
import { TEST_REDIS_URL, uniquePrefix } from '@wechat-dispatch/testkit';
import { openAppRegistry, type AppRegistry } from '../../src/apps/app-registry';
import { AppRegistryStore } from '../../src/apps/app-registry-store';
import { SecretBox } from '../../src/apps/secret-box';

export const logger = createLogger({
  service: 'test',
  silent: process.env.LOG_LEVEL === undefined,
  level: process.env.LOG_LEVEL ?? 'info',
});

/** A unique keyspace, a key, and the connections every registry "process" of a test opens. */
export class RegistryRig {
  readonly keyspace = new Keyspace(uniquePrefix('apps'));
  readonly key = randomBytes(32);
  readonly box = new SecretBox(this.key);
  private readonly connections: Redis[] = [];
  private readonly registries: AppRegistry[] = [];

  /** @param redisUrl where the test's Redis is @defaultValue the shared test Redis */
  constructor(private readonly redisUrl: string = TEST_REDIS_URL) {}

  /** A new connection to the test Redis, closed by {@link close}. */
  connection(): Redis {
    const redis = new Redis(this.redisUrl);
    this.connections.push(redis);
    return redis;
  }

  /** A store on its own connection (an API process's writes). */
  store(box: SecretBox = this.box): AppRegistryStore {
    return new AppRegistryStore({ redis: this.connection(), keyspace: this.keyspace, box });
  }

  /** A watched registry on its own connection (another process), started. */
  async registry(
    box: SecretBox = this.box,
    redis: Redis = this.connection(),
    pollIntervalMs = 1000,
  ): Promise<AppRegistry> {
    const registry = openAppRegistry({
      redis,
      keyspace: this.keyspace,
      box,
      logger,
      pollIntervalMs,
    });
    this.registries.push(registry);
    await registry.start();
    return registry;
  }

  async close(): Promise<void> {
    this.registries.forEach((registry) => registry.close());
    const admin = this.connection();
    const keys = await admin.keys(`${this.keyspace.root}*`);
    if (keys.length > 0) {
      await admin.del(...keys);
    }
    await Promise.all(this.connections.map((redis) => redis.quit()));
  }
}
