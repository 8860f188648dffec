import { Keyspace } from '../keyspace';
import type { RedisClient } from '../redis/create-redis';
import { shardOfApp } from './app-shard';
import { shardTag } from './shard-tags';

/**
 * The shards of the send path (`SEND_SHARDS`): one keyspace per shard, each under its own hash
 * tag, holding a set of apps with their records, queue, pauses and indexes. Shard 0's keyspace
 * is today's `{prefix}` and also holds what is global (registry, tokens, idempotency, the
 * events and callbacks queues).
 */
export class SendShards {
  /** Shard k's keyspace at index k. */
  readonly keyspaces: readonly Keyspace[];

  constructor(
    readonly prefix: string,
    readonly count = 1,
  ) {
    this.keyspaces = Array.from(
      { length: count },
      (_, k) => new Keyspace(prefix, shardTag(prefix, k, count)),
    );
  }

  /** Shard 0's keyspace: the global keys. */
  get global(): Keyspace {
    return this.keyspaces[0]!;
  }

  /** The shard index of `appId`. */
  shardOf(appId: string): number {
    return shardOfApp(appId, this.count);
  }

  /** The keyspace of `appId`'s shard. */
  keyspaceOf(appId: string): Keyspace {
    return this.keyspaces[this.shardOf(appId)]!;
  }
}

/** Thrown when `SEND_SHARDS` differs from the count recorded in Redis at first start. */
export class ShardCountMismatchError extends Error {
  constructor(configured: number, recorded: string) {
    super(
      `SEND_SHARDS=${configured} differs from ${recorded}, the shard count this Redis was started with; changing it would strand records and jobs`,
    );
    this.name = 'ShardCountMismatchError';
  }
}

/**
 * Records the shard count at first start (`SET NX` of a config key under shard 0) and throws
 * {@link ShardCountMismatchError} when a different count was recorded before.
 */
export async function checkShardCount(redis: RedisClient, shards: SendShards): Promise<void> {
  const key = shards.global.key('config', 'send-shards');
  const configured = String(shards.count);
  const set = await redis.set(key, configured, 'NX');
  if (set === 'OK') {
    return;
  }
  const recorded = await redis.get(key);
  if (recorded !== null && recorded !== configured) {
    throw new ShardCountMismatchError(shards.count, recorded);
  }
}
