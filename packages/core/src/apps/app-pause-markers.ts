import type { Keyspace, RedisClient, SendShards } from '@wechat-dispatch/shared';
import { appKeys } from './app-keys';

/** An app's pause as an operator sees it: why, and how long it has left. */
export interface AppPause {
  /** The error class that paused it: `rate_minute` (45011), `rate_daily` (45009), `config`. */
  reason: string;
  remainingMs: number;
}

/**
 * The pause markers the workers set (a quota or token-configuration pause, one key per app on
 * its shard, its TTL the pause), read and lifted for operators.
 */
export class AppPauseMarkers {
  constructor(
    private readonly redis: RedisClient,
    private readonly keyspaceOf: (appId: string) => Keyspace,
  ) {}

  /** The markers of a stack with `shards`. */
  static of(redis: RedisClient, shards: SendShards): AppPauseMarkers {
    return new AppPauseMarkers(redis, (appId) => shards.keyspaceOf(appId));
  }

  /** The app's pause now, or undefined when it is not paused. */
  async read(appId: string): Promise<AppPause | undefined> {
    const answers = await this.redis.multi().get(this.keyOf(appId)).pttl(this.keyOf(appId)).exec();
    return pauseOf(answers);
  }

  /** Ends the app's pause now; resolves with the pause it ended, if there was one. */
  async lift(appId: string): Promise<AppPause | undefined> {
    const key = this.keyOf(appId);
    const answers = await this.redis.multi().get(key).pttl(key).del(key).exec();
    return pauseOf(answers);
  }

  private keyOf(appId: string): string {
    return appKeys(this.keyspaceOf(appId), appId).pause;
  }
}

/** The pause from the answers of GET and PTTL of its marker (and whatever followed). */
function pauseOf(answers: Array<[Error | null, unknown]> | null): AppPause | undefined {
  const [[getErr, reason] = [null, null], [ttlErr, ttl] = [null, -2]] = answers ?? [];
  const err = getErr ?? ttlErr;
  if (err) {
    throw err;
  }
  const remainingMs = Number(ttl);
  if (typeof reason !== 'string' || remainingMs <= 0) {
    return undefined;
  }
  return { reason, remainingMs };
}
