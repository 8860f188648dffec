import {
  createLogger,
  type Keyspace,
  type Logger,
  type WeChatAppCredentials,
} from '@wechat-dispatch/shared';
import type { Redis } from 'ioredis';
import { AccessTokenService, WeChatClient, type AccessTokenServiceOptions } from '../../src';
import { FakeWeChatServer } from './fake-wechat-server';
import { cleanKeyspace, newRedis, uniqueKeyspace } from './redis';

/** One simulated process: its own Redis connection, WeChat client and token service. */
export interface RigProcess {
  redis: Redis;
  client: WeChatClient;
  tokens: AccessTokenService;
}

type Tunables = Omit<
  AccessTokenServiceOptions,
  'redis' | 'keyspace' | 'client' | 'apps' | 'logger'
>;

/** Test credentials; secrets long enough to be registered with the redactor. */
export const APPS: WeChatAppCredentials[] = [
  { appId: 'wxaaaaaaaaaaaaaaa1', appSecret: 'SECRET_A_0123456789abcdef0123456789ab' },
  { appId: 'wxbbbbbbbbbbbbbbb2', appSecret: 'SECRET_B_0123456789abcdef0123456789ab' },
];

/**
 * A fake WeChat on a real port, a unique keyspace, an admin Redis connection, and any number
 * of token-service "processes". {@link TokenRig.close} removes the keys and closes everything.
 */
export class TokenRig {
  readonly keyspace: Keyspace = uniqueKeyspace();
  readonly processes: RigProcess[] = [];
  baseUrl = '';

  private constructor(
    readonly server: FakeWeChatServer,
    readonly admin: Redis,
    readonly logger: Logger,
  ) {}

  /** Starts the server; `serverApps` are the credentials WeChat considers right. */
  static async start(
    serverApps: WeChatAppCredentials[] = APPS,
    logger: Logger = createLogger({
      service: 'test',
      silent: process.env.LOG_LEVEL === undefined,
      level: process.env.LOG_LEVEL,
    }),
  ): Promise<TokenRig> {
    const server = new FakeWeChatServer(
      serverApps.map((a) => ({ appId: a.appId, secret: a.appSecret })),
    );
    const rig = new TokenRig(server, await newRedis(), logger);
    rig.baseUrl = await server.start();
    return rig;
  }

  /** Adds one simulated process with its own connection. */
  async spawn(
    options: Tunables & { apps?: AccessTokenServiceOptions['apps']; timeoutMs?: number } = {},
  ): Promise<RigProcess> {
    const { apps, timeoutMs, ...tunables } = options;
    const redis = await newRedis();
    const client = new WeChatClient({ baseUrl: this.baseUrl, timeoutMs: timeoutMs ?? 2000 });
    const tokens = new AccessTokenService({
      mode: 'classic',
      ...tunables,
      redis,
      keyspace: this.keyspace,
      client,
      apps: apps ?? APPS,
      logger: this.logger,
    });
    const proc = { redis, client, tokens };
    this.processes.push(proc);
    return proc;
  }

  /** Adds `n` processes with the same options. */
  async spawnMany(
    n: number,
    options: Parameters<TokenRig['spawn']>[0] = {},
  ): Promise<RigProcess[]> {
    const out: RigProcess[] = [];
    for (let i = 0; i < n; i += 1) {
      out.push(await this.spawn(options));
    }
    return out;
  }

  async close(): Promise<void> {
    await cleanKeyspace(this.admin, this.keyspace);
    for (const p of this.processes) {
      p.client.close();
      await p.redis.quit();
    }
    await this.admin.quit();
    await this.server.close();
  }
}

/** Polls `check` every 10 ms until it holds; fails after `maxMs` (a bound, not a timing assertion). */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  maxMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + maxMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error('condition not met in time');
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Settles every promise and splits values from errors. */
export async function settle<T>(
  promises: Promise<T>[],
): Promise<{ values: T[]; errors: unknown[] }> {
  const results = await Promise.allSettled(promises);
  return {
    values: results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])),
    errors: results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : [])),
  };
}
