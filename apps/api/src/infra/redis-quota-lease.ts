import {
  DependencyUnavailableError,
  type Keyspace,
  type RedisClient,
} from '@wechat-dispatch/shared';
import { QUOTA_WINDOW_MS, type QuotaLease } from '../domain/request-quota';

/**
 * Grants up to ARGV[2] requests of the window, never past the limit.
 *
 * KEYS: the caller's counter. ARGV: limit, lease size, window ms.
 * A missing counter starts a window that ends ARGV[3] ms later (its TTL).
 * Returns {granted, used, resetMs}.
 */
const LEASE_LUA = `
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  used = 0
  ttl = tonumber(ARGV[3])
  redis.call('SET', KEYS[1], 0, 'PX', ttl)
end
local granted = math.min(tonumber(ARGV[2]), tonumber(ARGV[1]) - used)
if granted > 0 then
  redis.call('INCRBY', KEYS[1], granted)
else
  granted = 0
end
return {granted, used + granted, ttl}
`;

type LeaseCommand = (
  key: string,
  limit: string,
  size: string,
  windowMs: string,
) => Promise<[number, number, number]>;

/**
 * The shared side of the per-caller limit: one counter per caller, `{prefix}:ratelimit:<caller>`,
 * living one window. Goes through the API's fail-fast producer connection; any failure is a
 * {@link DependencyUnavailableError}: the limiter fails closed, which costs nothing, because a
 * request that cannot be counted could not be stored either.
 */
export function redisQuotaLease(options: {
  redis: RedisClient;
  keyspace: Keyspace;
  perMinute: number;
}): QuotaLease {
  const { redis, keyspace } = options;
  if (!('wxdQuotaLease' in redis)) {
    redis.defineCommand('wxdQuotaLease', { numberOfKeys: 1, lua: LEASE_LUA });
  }
  const command = (redis as unknown as Record<string, LeaseCommand>).wxdQuotaLease!.bind(redis);
  const limit = String(options.perMinute);
  const windowMs = String(QUOTA_WINDOW_MS);
  return async (caller, size) => {
    try {
      const [granted, used, resetMs] = await command(
        keyspace.key('ratelimit', caller),
        limit,
        String(size),
        windowMs,
      );
      return { granted, used, resetMs };
    } catch (err) {
      throw new DependencyUnavailableError(undefined, err);
    }
  };
}
