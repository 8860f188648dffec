import type { Job, Queue } from 'bullmq';
import { appKeys, type SendJob } from '@wechat-dispatch/core';
import type { Keyspace, Logger, RedisClient } from '@wechat-dispatch/shared';

/** How long a held job sleeps when nobody promotes it: the backstop for a missed release. */
export const HOLD_BACKSTOP_MS = 5 * 60 * 1000;
/** Held ids taken off an app's set per round trip when it is released. */
const RELEASE_BATCH = 500;

/** Options of {@link HeldJobs}. */
export interface HeldJobsOptions {
  redis: RedisClient;
  keyspace: Keyspace;
  queue: Queue<SendJob>;
  logger: Logger;
}

/**
 * Send jobs of apps that are disabled (or not known yet), or whose circuit breaker is open, set
 * aside as delayed jobs, their ids
 * kept per app, so they spend no attempt and cost nothing while they wait; when the app is
 * enabled again (or its breaker closes), every worker that learns of it promotes them at once (BullMQ's public
 * `promote`). A held job also wakes after {@link HOLD_BACKSTOP_MS} on its own, so a release that
 * was missed only delays it.
 */
export class HeldJobs {
  private readonly heldApps: string;

  constructor(private readonly options: HeldJobsOptions) {
    this.heldApps = options.keyspace.key('held-apps');
  }

  /**
   * Moves `job` (active, locked by `token`) to delayed for `ms` (a backstop: a release promotes
   * it sooner) and notes it under its app.
   */
  async hold(
    job: Job<SendJob>,
    token: string | undefined,
    appId: string,
    ms: number = HOLD_BACKSTOP_MS,
  ): Promise<void> {
    await job.moveToDelayed(Date.now() + ms, token);
    await this.options.redis
      .multi()
      .sadd(appKeys(this.options.keyspace, appId).held, job.id ?? job.data.messageId)
      .sadd(this.heldApps, appId)
      .exec();
  }

  /** Apps with held jobs. */
  async appsWithHeldJobs(): Promise<string[]> {
    return this.options.redis.smembers(this.heldApps);
  }

  /**
   * Promotes every held job of `appId`; resolves with how many were promoted. Ids are taken
   * off the app's set (SPOP) before their jobs are promoted, so a job another worker holds
   * again meanwhile (its view of the app not yet current) stays noted for the next release.
   */
  async release(appId: string): Promise<number> {
    const { redis, queue } = this.options;
    const heldKey = appKeys(this.options.keyspace, appId).held;
    let promoted = 0;
    for (;;) {
      const ids = await redis.spop(heldKey, RELEASE_BATCH);
      if (ids.length === 0) {
        break;
      }
      for (const id of ids) {
        const job = await queue.getJob(id);
        // Another worker may have promoted it, or it may have been sent or cancelled since.
        if (job && (await job.isDelayed())) {
          await job.promote().then(
            () => (promoted += 1),
            () => undefined,
          );
        }
      }
    }
    if ((await redis.scard(heldKey)) === 0) {
      await redis.srem(this.heldApps, appId);
    }
    if (promoted > 0) {
      this.options.logger.info('held sends released', { appId, jobs: promoted });
    }
    return promoted;
  }
}
