import { join } from 'node:path';
import type { Job, Queue } from 'bullmq';
import { appKeys, type SendJob } from '@wechat-dispatch/core';
import {
  bindScript,
  luaScript,
  type BoundScript,
  type Keyspace,
  type Logger,
  type RedisClient,
} from '@wechat-dispatch/shared';

const NOTE = luaScript(join(__dirname, 'held-note.lua'));

/** How long a held job sleeps when nobody promotes it: the backstop for a missed release. */
export const HOLD_BACKSTOP_MS = 5 * 60 * 1000;
/** Held ids taken off an app's set per round trip when it is released. */
const RELEASE_BATCH = 500;
/** How much longer than its longest wait an app's set of held ids is kept. */
const NOTE_MARGIN_MS = 60 * 1000;

/** Options of {@link HeldJobs}. */
export interface HeldJobsOptions {
  redis: RedisClient;
  keyspace: Keyspace;
  queue: Queue<SendJob>;
  logger: Logger;
}

/**
 * Send jobs set aside as delayed jobs, their ids kept per app, so they spend no attempt and cost
 * nothing while they wait: those of apps that are disabled (or not known yet), paused, or whose
 * circuit breaker is open. When the app is enabled again, its pause is lifted or its breaker
 * closes, every worker that learns of it promotes them at once (BullMQ's public `promote`). A
 * held job also wakes on its own when its wait ends (at the latest after
 * {@link HOLD_BACKSTOP_MS} for a disabled app), so a release that was missed only delays it.
 */
export class HeldJobs {
  private readonly heldApps: string;
  private readonly note: BoundScript;

  constructor(private readonly options: HeldJobsOptions) {
    this.heldApps = options.keyspace.key('held-apps');
    this.note = bindScript(options.redis, NOTE);
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
    const { noted } = await this.setAside(job, token, appId, ms);
    await noted;
  }

  /**
   * {@link hold}, answering once the job is delayed, with the note still on its way (`noted`):
   * for a processor that must free its slot at once (see processors/hold-for.ts).
   */
  async setAside(
    job: Job<SendJob>,
    token: string | undefined,
    appId: string,
    ms: number,
  ): Promise<{ noted: Promise<unknown> }> {
    await job.moveToDelayed(Date.now() + ms, token);
    const noted = this.note.run(
      [appKeys(this.options.keyspace, appId).held, this.heldApps],
      [job.id ?? job.data.messageId, appId, Math.ceil(ms) + NOTE_MARGIN_MS],
    );
    return { noted };
  }

  /** Apps with held jobs. */
  async appsWithHeldJobs(): Promise<string[]> {
    return this.options.redis.smembers(this.heldApps);
  }

  /**
   * Promotes every held job of `appId` unless it is paused; resolves with how many were
   * promoted. Ids are taken off the app's set (SPOP) before their jobs are promoted, so a job
   * another worker holds again meanwhile (its view of the app not yet current) stays noted for
   * the next release.
   */
  async release(appId: string): Promise<number> {
    const { redis, queue } = this.options;
    const keys = appKeys(this.options.keyspace, appId);
    const heldKey = keys.held;
    // A paused app's jobs would only be set aside again: they stay noted for the lift.
    if ((await redis.exists(keys.pause)) === 1) {
      return 0;
    }
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
