import type { Queue } from 'bullmq';
import type { Keyspace, Logger, RedisClient } from '@wechat-dispatch/shared';

/**
 * The queue's global rate limit while an app is paused. BullMQ honours a limiter key only on a
 * queue that has a limit, and a limit makes every job fetch count itself (3 Redis commands per
 * message), so the limit is set with the pause and lifted once the pause is over. It is never
 * reached by real traffic: only the pause's key (at Number.MAX_SAFE_INTEGER) holds the queue.
 */
const PAUSE_LIMIT_MAX = '1000000';
const PAUSE_LIMIT_DURATION_MS = '1000';
/** What `queue.rateLimit()` writes to the limiter key; above any count of real fetches. */
const PAUSE_HOLD = String(Number.MAX_SAFE_INTEGER);

/**
 * KEYS: queue meta, queue limiter, pause marker. ARGV: limit max, limit duration, hold, ms, reason.
 * Sets the queue's limit and holds the queue for `ms` — never shortening a longer pause already
 * in force (a minute-quota error must not cut a daily-quota pause short). Returns 1 when the
 * marker was absent, i.e. this call started the pause.
 */
const PAUSE_LUA = `
redis.call('HSET', KEYS[1], 'max', ARGV[1], 'duration', ARGV[2])
if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[4]) then
  redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
end
if redis.call('SET', KEYS[3], ARGV[5], 'PX', ARGV[4], 'NX') then return 1 end
return 0
`;

/**
 * KEYS: queue meta, queue limiter. ARGV: limit max. Removes the limit a pause set once no pause
 * holds the queue any more; a limit someone else set (another max) is left alone. One script,
 * so a pause starting at the same moment is never left without its limit. Returns 1 when lifted.
 */
const LIFT_LUA = `
if redis.call('HGET', KEYS[1], 'max') ~= ARGV[1] then return 0 end
if tonumber(redis.call('GET', KEYS[2]) or '0') >= tonumber(ARGV[1]) then return 0 end
redis.call('HDEL', KEYS[1], 'max', 'duration')
return 1
`;

type PauseCommand = (...args: string[]) => Promise<number>;

/**
 * Holds back every send of one app — not of the others — for a while: a BullMQ rate limit on
 * the app's own queue stops every worker from fetching its jobs until the pause ends. A marker
 * key makes the first worker that sees a quota error the only one to log and count it.
 *
 * The limit exists only around a pause: the worker that paused lifts it when the pause ends,
 * and every worker sweeps its queues now and then, so a worker that died mid-pause leaves
 * nothing behind but a few commands per message until the next sweep.
 */
export class AppPauses {
  private readonly pauseCommand: PauseCommand;
  private readonly liftCommand: PauseCommand;
  private readonly sweeps = new Set<NodeJS.Timeout>();
  /** The pending lift of each paused app, at the end of the longest pause it has seen. */
  private readonly lifts = new Map<string, { at: number; timer: NodeJS.Timeout }>();

  constructor(
    redis: RedisClient,
    private readonly keyspace: Keyspace,
    private readonly queueOf: (appId: string) => Queue,
    private readonly logger: Logger,
    private readonly onPause?: (appId: string, reason: string, ms: number) => void,
  ) {
    if (!('wxdPauseApp' in redis)) {
      redis.defineCommand('wxdPauseApp', { numberOfKeys: 3, lua: PAUSE_LUA });
      redis.defineCommand('wxdLiftAppPause', { numberOfKeys: 2, lua: LIFT_LUA });
    }
    const commands = redis as unknown as Record<string, PauseCommand>;
    this.pauseCommand = commands.wxdPauseApp!.bind(redis);
    this.liftCommand = commands.wxdLiftAppPause!.bind(redis);
  }

  /**
   * Pauses `appId` for `ms`. Returns true when this call started the pause (and logged it).
   */
  async pause(appId: string, reason: string, ms: number, errcode: number): Promise<boolean> {
    // Redis takes whole milliseconds only (PX).
    const pauseMs = Math.max(1, Math.round(ms));
    const until = new Date(Date.now() + pauseMs).toISOString();
    const { keys } = this.queueOf(appId);
    const first = await this.pauseCommand(
      keys.meta!,
      keys.limiter!,
      this.keyspace.key('pause', appId),
      PAUSE_LIMIT_MAX,
      PAUSE_LIMIT_DURATION_MS,
      PAUSE_HOLD,
      String(pauseMs),
      reason,
    );
    this.liftAfter(appId, pauseMs);
    if (first === 1) {
      this.logger.warn('app paused', { appId, reason, errcode, until, pauseMs });
      this.onPause?.(appId, reason, pauseMs);
      return true;
    }
    return false;
  }

  /** Lifts the limit of every given app whose pause is over; resolves with those lifted. */
  async liftEnded(appIds: readonly string[]): Promise<string[]> {
    const lifted: string[] = [];
    for (const appId of appIds) {
      const { keys } = this.queueOf(appId);
      if ((await this.liftCommand(keys.meta!, keys.limiter!, PAUSE_LIMIT_MAX)) === 1) {
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

  private liftAfter(appId: string, pauseMs: number): void {
    // A little after the hold expires, so Redis has let the limiter key go.
    const at = Date.now() + pauseMs + 50;
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
    this.logger.warn('lifting an app pause failed', {
      error: err instanceof Error ? err.message : String(err),
    });
  }
}
