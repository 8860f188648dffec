import { join } from 'node:path';
import {
  DependencyUnavailableError,
  bindScript,
  luaScript,
  type Keyspace,
  type RedisClient,
} from '@wechat-dispatch/shared';
import type { CountFailure } from '../domain/auth-throttle';

const COUNT = luaScript(join(__dirname, 'auth-failure.lua'));

/**
 * The shared side of the failed-authentication throttle: one counter per client address,
 * `{prefix}:auth-fail:<address>`, living one window (auth-failure.lua). Any failure is a
 * {@link DependencyUnavailableError}: the throttle fails closed, as the rate limit does.
 */
export function redisAuthFailures(options: {
  redis: RedisClient;
  keyspace: Keyspace;
  windowMs: number;
}): CountFailure {
  const { redis, keyspace, windowMs } = options;
  const count = bindScript(redis, COUNT);
  return async (address) => {
    try {
      const [failures, resetMs] = (await count.run(
        [keyspace.key('auth-fail', address)],
        [windowMs],
      )) as [number, number];
      return { failures, resetMs };
    } catch (err) {
      throw new DependencyUnavailableError(undefined, err);
    }
  };
}
