import { createHash } from 'node:crypto';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import {
  DependencyUnavailableError,
  type Keyspace,
  type RedisClient,
} from '@wechat-dispatch/shared';

type ScriptCommand = (key: string, ...args: string[]) => Promise<RedisReply>;

/**
 * The per-key request counters in Redis (`{prefix}:ratelimit:<caller>`), shared by every API
 * replica. Commands go through the API's fail-fast producer connection.
 *
 * rate-limit-redis loads its two Lua scripts with `SCRIPT LOAD` when the limiter is created and
 * then calls `EVALSHA`. Both are answered here through ioredis script commands instead: `SCRIPT
 * LOAD` is answered locally with the script's SHA1 (so a Redis that is away at start-up cannot
 * leave the store with a rejected promise for ever), and `EVALSHA` runs the script as an ioredis
 * command, which falls back to `EVAL` on NOSCRIPT (a restarted Redis) and routes by key on a
 * Redis Cluster, where a `SCRIPT LOAD` would reach only one node.
 *
 * Any failure becomes a {@link DependencyUnavailableError}: the limiter fails closed, which
 * costs nothing, because a request that cannot be counted could not be stored either.
 */
export function createRateLimitStore(redis: RedisClient, keyspace: Keyspace): RedisStore {
  const commands = new Map<string, ScriptCommand>();
  const commandFor = (script: string): string => {
    const sha = createHash('sha1').update(script).digest('hex');
    if (!commands.has(sha)) {
      const name = `wxdRateLimit${sha.slice(0, 12)}`;
      if (!(name in redis)) {
        redis.defineCommand(name, { numberOfKeys: 1, lua: script });
      }
      const command = (redis as unknown as Record<string, ScriptCommand>)[name]!;
      commands.set(sha, command.bind(redis));
    }
    return sha;
  };
  return new RedisStore({
    prefix: `${keyspace.key('ratelimit')}:`,
    sendCommand: async (command: string, ...args: string[]): Promise<RedisReply> => {
      const name = command.toUpperCase();
      if (name === 'SCRIPT' && args[0]?.toUpperCase() === 'LOAD' && args[1] !== undefined) {
        return commandFor(args[1]);
      }
      try {
        const [sha, numKeys, key, ...rest] = args;
        const script = name === 'EVALSHA' && numKeys === '1' ? commands.get(sha ?? '') : undefined;
        if (script && key !== undefined) {
          return await script(key, ...rest);
        }
        return (await redis.call(command, ...args)) as RedisReply;
      } catch (err) {
        throw new DependencyUnavailableError(undefined, err);
      }
    },
  });
}
