import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import {
  bindScript,
  luaScript,
  type BoundScript,
  type Keyspace,
  type RedisClient,
} from '@wechat-dispatch/shared';

const ACQUIRE = luaScript(join(__dirname, 'pace-acquire.lua'));
const RELEASE = luaScript(join(__dirname, 'pace-release.lua'));
const RESERVE = luaScript(join(__dirname, 'pace-reserve.lua'));

/** A job whose send slot is this near goes on and waits for it in the sliding window. */
export const PACE_SOON_MS = 250;

/** Options of {@link SendPacer}. */
export interface SendPacerOptions {
  /**
   * How long an unanswered send keeps its slot; bounds the damage of a worker that died
   * mid-send. Should exceed one WeChat call. @defaultValue 30000
   */
  inFlightMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Caps sends per app at `perSecond` in any one-second window (sliding, not fixed), across every
 * worker process (the app's `ratePerSec`, else `WECHAT_RATE_LIMIT_PER_SEC`). The window is a sorted set per app on Redis' own
 * clock, so every worker agrees. Each send is an entry scored with the moment it stopped being
 * able to reach WeChat: while in flight that is "later" (now + the in-flight bound), once the
 * answer is back it is the answer's time. Because WeChat receives a request somewhere between
 * our start and our answer, this bounds what WeChat sees in any window however much the latency
 * varies (pace-acquire.lua, pace-release.lua).
 */
export class SendPacer {
  private readonly acquire: BoundScript;
  private readonly release: BoundScript;
  private readonly reserveScript: BoundScript;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    redis: RedisClient,
    private readonly keyspace: Keyspace,
    private readonly options: SendPacerOptions,
  ) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.acquire = bindScript(redis, ACQUIRE);
    this.release = bindScript(redis, RELEASE);
    this.reserveScript = bindScript(redis, RESERVE);
  }

  /**
   * The ms until `jobId`'s own send slot of an app capped at `perSecond` (pace-reserve.lua): at
   * most {@link PACE_SOON_MS} means go on now; more means set the job aside until then.
   */
  async reserve(appId: string, perSecond: number, jobId: string): Promise<number> {
    if (perSecond <= 0) {
      return 0;
    }
    const keys = [this.keyspace.key('pace-next', appId), this.keyspace.key('pace-slots', appId)];
    return Number(await this.reserveScript.run(keys, [perSecond, jobId, PACE_SOON_MS]));
  }

  /** Runs `send` once an app capped at `perSecond` (0 = no cap) may send one more message. */
  async paced<T>(appId: string, perSecond: number, send: () => Promise<T>): Promise<T> {
    if (perSecond <= 0) {
      return send();
    }
    const key = this.keyspace.key('pace', appId);
    const member = randomUUID();
    const inFlightMs = this.options.inFlightMs ?? 30000;
    for (;;) {
      const waitMs = Number(await this.acquire.run([key], [perSecond, 1000, member, inFlightMs]));
      if (waitMs === 0) {
        break;
      }
      await this.sleep(waitMs);
    }
    try {
      return await send();
    } finally {
      await this.release.run([key], [member]);
    }
  }
}
