import { randomUUID } from 'node:crypto';
import { connectRedis, createRedis, Keyspace } from '@wechat-dispatch/shared';
import type { Redis } from 'ioredis';

/** Redis for integration tests: `REDIS_URL` or the local default. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A unique keyspace per test: `wct-` + 24 hex chars (only [A-Za-z0-9_.-], ≤ 32 chars). */
export function uniqueKeyspace(): Keyspace {
  return new Keyspace(`wct-${randomUUID().replace(/-/g, '').slice(0, 24)}`);
}

/** A ready connection with the `client` profile, as the token service gets in production. */
export async function newRedis(): Promise<Redis> {
  return connectRedis(createRedis(REDIS_URL, 'client', 'wechat-client-test'));
}

/** Every key under the keyspace (braces are literal in SCAN patterns). */
export async function keysOf(redis: Redis, keyspace: Keyspace): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${keyspace.root}:*`, 'COUNT', 1000);
    cursor = next;
    found.push(...batch);
  } while (cursor !== '0');
  return found;
}

/** Deletes every key under the keyspace. */
export async function cleanKeyspace(redis: Redis, keyspace: Keyspace): Promise<void> {
  const keys = await keysOf(redis, keyspace);
  if (keys.length > 0) {
    await redis.del(...keys);
  }
}
