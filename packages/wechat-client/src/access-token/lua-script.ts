import type { RedisClient } from '@wechat-dispatch/shared';
import { createHash } from 'node:crypto';

/**
 * A Lua script run with EVALSHA, falling back to EVAL when the server has not cached it yet
 * (after a restart or failover). Kept apart from `redis.defineCommand` so the service does not
 * add commands to a connection it was lent.
 */
export class LuaScript {
  private readonly sha: string;

  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /** Runs the script; every key must share the keyspace's hash tag (Redis Cluster). */
  async run(
    redis: RedisClient,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (e: unknown) {
      if (e instanceof Error && e.message.startsWith('NOSCRIPT')) {
        return redis.eval(this.source, keys.length, ...keys, ...args);
      }
      throw e;
    }
  }
}
