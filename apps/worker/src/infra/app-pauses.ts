import { join } from 'node:path';
import type { Queue } from 'bullmq';
import {
  bindScript,
  luaScript,
  type BoundScript,
  type Keyspace,
  type Logger,
  type RedisClient,
} from '@wechat-dispatch/shared';

/**
 * The queue's global rate limit while an app is paused. BullMQ honours a manual rate limit
 * (`queue.rateLimit`) only on a queue that has a limit, and a limit makes every job fetch count
 * itself, so the limit is set with the pause and lifted once the pause is over. It is never
 * reached by real traffic: only the pause's hold (BullMQ writes it above any count) stops the
 * queue.
 */
const PAUSE_LIMIT_MAX = 1000000;
const PAUSE_LIMIT_DURATION_MS = 1000;
/** A lift waits this much past the hold's end, so Redis has let the hold go. */
const LIFT_SLACK_MS = 50;

const PAUSE_MARK = luaScript(join(__dirname, 'pause-mark.lua'));

/** Options of {@link AppPauses}. */
export interface AppPausesOptions {
  redis: RedisClient;
  keyspace: Keyspace;
  /** The send queue of an app. */
  queueOf: (appId: string) => Queue;
  logger: Logger;
  /** Called once per pause, by the worker that started it. */
  onPause?: (appId: string, reason: string, ms: number) => void;
}

/**
 * Holds back every send of one app — not of the others — for a while, through BullMQ's public
 * rate-limit API on the app's own queue: a global limit (`setGlobalRateLimit`) and a manual
 * rate limit as the hold (`rateLimit`), so no worker fetches the queue's jobs until the hold
 * ends. A marker key makes the first worker that sees a quota error the only one to log and
 * count it, and keeps the longest pause, so a shorter one never cuts it short.
 *
 * The limit exists only around a pause: the worker that paused lifts it when the pause ends,
 * and every worker sweeps its queues now and then, so a worker that died mid-pause leaves
 * nothing behind but a counted fetch per message until the next sweep.
 */
export class AppPauses {
  private readonly mark: BoundScript;
  private readonly sweeps = new Set<NodeJS.Timeout>();
  /** The pending lift of each paused app, at the end of the longest pause it has seen. */
  private readonly lifts = new Map<string, { at: number; timer: NodeJS.Timeout }>();

  constructor(private readonly options: AppPausesOptions) {
    this.mark = bindScript(options.redis, PAUSE_MARK);
  }

  /**
   * Pauses `appId` for `ms` (or keeps the longer pause in force). Returns true when this call
   * started the pause (and logged it).
   */
  async pause(appId: string, reason: string, ms: number, errcode: number): Promise<boolean> {
    // Redis takes whole milliseconds only (PX).
    const pauseMs = Math.max(1, Math.round(ms));
    const queue = this.options.queueOf(appId);
    const marker = this.options.keyspace.key('pause', appId);
    const [started, holdMs] = (await this.mark.run([marker], [pauseMs, reason])) as [
      number,
      number,
    ];
    // The hold before the limit: a lift running meanwhile sees the hold and restores the limit.
    await queue.rateLimit(holdMs);
    await queue.setGlobalRateLimit(PAUSE_LIMIT_MAX, PAUSE_LIMIT_DURATION_MS);
    // Two workers pausing at once may write their holds in either order: whoever writes last
    // reads the marker again, which by then holds the longest pause, and writes that.
    const left = await this.options.redis.pttl(marker);
    if (left > holdMs) {
      await queue.rateLimit(left);
    }
    this.liftAfter(appId, Math.max(holdMs, left));
    if (started === 1) {
      const until = new Date(Date.now() + pauseMs).toISOString();
      this.options.logger.warn('app paused', { appId, reason, errcode, until, pauseMs });
      this.options.onPause?.(appId, reason, pauseMs);
      return true;
    }
    return false;
  }

  /** Lifts the limit of every given app whose pause is over; resolves with those lifted. */
  async liftEnded(appIds: readonly string[]): Promise<string[]> {
    const lifted: string[] = [];
    for (const appId of appIds) {
      if (await this.liftIfEnded(this.options.queueOf(appId))) {
        lifted.push(appId);
      }
    }
    return lifted;
  }

  /** Looks for ended pauses of `appIds` every `intervalMs` (and once now) until {@link close}. */
  sweepEvery(appIds: readonly string[], intervalMs: number): void {
    const sweep = () => void this.liftEnded(appIds).catch((err: unknown) => this.warn(err));
    sweep();
    const timer = setInterval(sweep, intervalMs);
    timer.unref();
    this.sweeps.add(timer);
  }

  /** Stops the sweeps and the pending lifts. */
  close(): void {
    this.sweeps.forEach((timer) => clearInterval(timer));
    this.sweeps.clear();
    this.lifts.forEach(({ timer }) => clearTimeout(timer));
    this.lifts.clear();
  }

  /** Removes a pause's limit once its hold is gone; a limit of another size is not ours. */
  private async liftIfEnded(queue: Queue): Promise<boolean> {
    const limit = await queue.getGlobalRateLimit();
    if (limit?.max !== PAUSE_LIMIT_MAX || (await queue.getRateLimitTtl(PAUSE_LIMIT_MAX)) > 0) {
      return false;
    }
    await queue.removeGlobalRateLimit();
    // A pause that began since the first look has set its hold before its limit: if its hold
    // is there now, its limit may have just been removed, so it is put back.
    if ((await queue.getRateLimitTtl(PAUSE_LIMIT_MAX)) > 0) {
      await queue.setGlobalRateLimit(PAUSE_LIMIT_MAX, PAUSE_LIMIT_DURATION_MS);
      return false;
    }
    return true;
  }

  private liftAfter(appId: string, holdMs: number): void {
    const at = Date.now() + holdMs + LIFT_SLACK_MS;
    const pending = this.lifts.get(appId);
    if (pending && pending.at >= at) {
      return;
    }
    if (pending) {
      clearTimeout(pending.timer);
    }
    const timer = setTimeout(() => {
      this.lifts.delete(appId);
      this.liftEnded([appId]).catch((err: unknown) => this.warn(err));
    }, at - Date.now());
    timer.unref();
    this.lifts.set(appId, { at, timer });
  }

  private warn(err: unknown): void {
    this.options.logger.warn('lifting an app pause failed', {
      error: err instanceof Error ? err.message : String(err),
    });
  }
}
