import { join } from 'node:path';
import { appKeys } from '@wechat-dispatch/core';
import {
  bindScript,
  luaScript,
  type BoundScript,
  type Keyspace,
  type Logger,
  type RedisClient,
} from '@wechat-dispatch/shared';

const PAUSE_MARK = luaScript(join(__dirname, 'pause-mark.lua'));

/** Options of {@link AppPauses}. */
export interface AppPausesOptions {
  redis: RedisClient;
  keyspace: Keyspace;
  logger: Logger;
  /** Called once per pause, by the worker that started it. */
  onPause?: (appId: string, reason: string, ms: number) => void;
}

/**
 * Holds back every send of one app — not of the others — for a while. A pause is one marker key
 * per app with the pause as its TTL (pause-mark.lua keeps the longest, so a minute-quota error
 * never cuts a daily-quota pause short); every worker's claim of a message reads its app's
 * marker in the same script (claim.lua) and, while it is there, sets the job aside until the
 * pause ends without spending an attempt, noted among the app's held jobs. Nothing is left to
 * lift: the marker expires; an operator who lifts it early (`DELETE /v1/admin/apps/:appId/pause`)
 * has every worker promote the jobs set aside.
 */
export class AppPauses {
  private readonly mark: BoundScript;

  constructor(private readonly options: AppPausesOptions) {
    this.mark = bindScript(options.redis, PAUSE_MARK);
  }

  /**
   * Pauses `appId` for `ms` (or keeps the longer pause in force). Resolves with how long the
   * pause now lasts, and whether this call started it (and logged it).
   */
  async pause(
    appId: string,
    reason: string,
    ms: number,
    errcode: number,
  ): Promise<{ started: boolean; pauseMs: number }> {
    // Redis takes whole milliseconds only (PX).
    const pauseMs = Math.max(1, Math.round(ms));
    const marker = appKeys(this.options.keyspace, appId).pause;
    const [started, holdMs] = (await this.mark.run([marker], [pauseMs, reason])) as [
      number,
      number,
    ];
    if (started === 1) {
      const until = new Date(Date.now() + pauseMs).toISOString();
      this.options.logger.warn('app paused', { appId, reason, errcode, until, pauseMs });
      this.options.onPause?.(appId, reason, pauseMs);
    }
    return { started: started === 1, pauseMs: holdMs };
  }

  /** Whether `appId` is paused now (an operator may have lifted the pause early). */
  async isPaused(appId: string): Promise<boolean> {
    const marker = appKeys(this.options.keyspace, appId).pause;
    return (await this.options.redis.exists(marker)) === 1;
  }
}
