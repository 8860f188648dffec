import type { Queue } from 'bullmq';
import type { Keyspace, Logger, RedisClient } from '@wechat-dispatch/shared';

/**
 * Holds back every send of one app — not of the others — for a while: BullMQ's queue-level rate
 * limit on the app's own queue stops every worker from fetching its jobs until the pause ends.
 * A marker key makes the first worker that sees a quota error the only one to log and count it.
 */
export class AppPauses {
  constructor(
    private readonly redis: RedisClient,
    private readonly keyspace: Keyspace,
    private readonly queueOf: (appId: string) => Queue,
    private readonly logger: Logger,
    private readonly onPause?: (appId: string, reason: string, ms: number) => void,
  ) {}

  /**
   * Pauses `appId` for `ms`. Returns true when this call started the pause (and logged it).
   */
  async pause(appId: string, reason: string, ms: number, errcode: number): Promise<boolean> {
    // Redis takes whole milliseconds only (PX).
    const pauseMs = Math.max(1, Math.round(ms));
    const until = new Date(Date.now() + pauseMs).toISOString();
    await this.queueOf(appId).rateLimit(pauseMs);
    const first = await this.redis.set(
      this.keyspace.key('pause', appId),
      reason,
      'PX',
      pauseMs,
      'NX',
    );
    if (first === 'OK') {
      this.logger.warn('app paused', { appId, reason, errcode, until, pauseMs });
      this.onPause?.(appId, reason, pauseMs);
      return true;
    }
    return false;
  }

  /** The reason an app is paused now, if it is. */
  async pausedReason(appId: string): Promise<string | undefined> {
    return (await this.redis.get(this.keyspace.key('pause', appId))) ?? undefined;
  }
}
