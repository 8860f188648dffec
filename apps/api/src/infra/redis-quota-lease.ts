import { join } from 'node:path';
import {
  DependencyUnavailableError,
  bindScript,
  luaScript,
  type Keyspace,
  type RedisClient,
} from '@wechat-dispatch/shared';
import { QUOTA_WINDOW_MS, type QuotaLease } from '../domain/request-quota';

const LEASE = luaScript(join(__dirname, 'quota-lease.lua'));

/**
 * The shared side of the per-caller limit: one counter per caller, `{prefix}:ratelimit:<caller>`,
 * living one window, leased by quota-lease.lua. Goes through the API's fail-fast producer
 * connection; any failure is a {@link DependencyUnavailableError}: the limiter fails closed,
 * which costs nothing, because a request that cannot be counted could not be stored either.
 */
export function redisQuotaLease(options: {
  redis: RedisClient;
  keyspace: Keyspace;
  perMinute: number;
}): QuotaLease {
  const { redis, keyspace } = options;
  const lease = bindScript(redis, LEASE);
  return async (caller, size) => {
    try {
      const [granted, used, resetMs] = (await lease.run(
        [keyspace.key('ratelimit', caller)],
        [options.perMinute, size, QUOTA_WINDOW_MS],
      )) as [number, number, number];
      return { granted, used, resetMs };
    } catch (err) {
      throw new DependencyUnavailableError(undefined, err);
    }
  };
}
