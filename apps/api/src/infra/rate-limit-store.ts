import { createHash } from 'node:crypto';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import {
  DependencyUnavailableError,
  type Keyspace,
  type RedisClient,
} from '@wechat-dispatch/shared';

/**
 * The per-key request counters in Redis (`{prefix}:ratelimit:<caller>`), shared by every API
 * replica. Commands go through the API's fail-fast producer connection.
 *
 * Two adjustments to rate-limit-redis:
 * - `SCRIPT LOAD` that fails (Redis away when the store starts) answers the script's SHA1,
 *   which is all the store keeps; otherwise its promise stays rejected forever and the limiter
 *   never recovers. The first EVALSHA then gets NOSCRIPT and the store loads the script again.
 * - Any other failure becomes a {@link DependencyUnavailableError}: the limiter fails closed,
 *   which costs nothing, because a request that cannot be counted could not be stored either.
 */
export function createRateLimitStore(redis: RedisClient, keyspace: Keyspace): RedisStore {
  return new RedisStore({
    prefix: `${keyspace.key('ratelimit')}:`,
    sendCommand: async (command: string, ...args: string[]): Promise<RedisReply> => {
      const isScriptLoad = command.toUpperCase() === 'SCRIPT' && args[0]?.toUpperCase() === 'LOAD';
      try {
        return (await redis.call(command, ...args)) as RedisReply;
      } catch (err) {
        if (isScriptLoad && args[1] !== undefined) {
          return createHash('sha1').update(args[1]).digest('hex');
        }
        if (err instanceof Error && err.message.startsWith('NOSCRIPT')) {
          throw err;
        }
        throw new DependencyUnavailableError(undefined, err);
      }
    },
  });
}
