import { createHash } from 'node:crypto';
import type { Keyspace, RedisClient } from '@wechat-dispatch/shared';
import type { PushTuples, PushTupleClaim } from '../domain/push-replay';

/**
 * Signed push tuples in Redis: `SET NX EX` of the body's digest under a hash of the app and
 * the (signature, timestamp, nonce) tuple, so every replica refuses the second use.
 */
export class RedisPushTuples implements PushTuples {
  constructor(
    private readonly redis: RedisClient,
    private readonly keyspace: Keyspace,
  ) {}

  private keyOf(appId: string, tuple: readonly string[]): string {
    const id = createHash('sha1')
      .update([appId, ...tuple].join('\n'))
      .digest('hex');
    return this.keyspace.key('push-tuple', id);
  }

  /** @inheritdoc */
  async claim(
    appId: string,
    tuple: readonly string[],
    bodyDigest: string,
    ttlSeconds: number,
  ): Promise<PushTupleClaim> {
    const key = this.keyOf(appId, tuple);
    if ((await this.redis.set(key, bodyDigest, 'EX', ttlSeconds, 'NX')) !== null) {
      return 'first';
    }
    return (await this.redis.get(key)) === bodyDigest ? 'same_body' : 'other_body';
  }

  /** @inheritdoc */
  async release(appId: string, tuple: readonly string[]): Promise<void> {
    await this.redis.del(this.keyOf(appId, tuple));
  }
}
