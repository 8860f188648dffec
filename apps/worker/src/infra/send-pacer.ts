import { randomUUID } from 'node:crypto';
import type { Keyspace, RedisClient } from '@wechat-dispatch/shared';

/**
 * A sliding window per app in a sorted set, on Redis' own clock so every worker agrees. Each
 * send is an entry scored with the moment it stopped being able to reach WeChat: while the
 * request is in flight that is "later" (now + the in-flight bound), once the answer is back it
 * is the answer's time. A new send may start only while fewer than `limit` entries lie within
 * the last window. Because WeChat receives a request somewhere between our start and our
 * answer, this bounds what WeChat sees in any window however much the latency varies.
 *
 * KEYS: the app's window. ARGV: limit, windowMs, member, inFlightMs.
 * Returns 0 (slot taken) or the ms to wait before asking again.
 */
const ACQUIRE_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window + tonumber(ARGV[4]) * 2)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.min(math.max(1, tonumber(oldest[2]) + window - now + 1), window)
`;

/** Marks a send finished: its entry now counts from the answer's time. KEYS: window. ARGV: member. */
const RELEASE_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], 'XX', now, ARGV[1])
return 0
`;

type PacerCommand = (key: string, ...args: string[]) => Promise<number>;

/** Options of {@link SendPacer}. */
export interface SendPacerOptions {
  /** Sends per app in any one-second window; 0 = no cap. */
  perSecond: number;
  /**
   * How long an unanswered send keeps its slot; bounds the damage of a worker that died
   * mid-send. Should exceed one WeChat call. @defaultValue 30000
   */
  inFlightMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Caps sends per app at `perSecond` in any one-second window (sliding, not fixed), across every
 * worker process (`WECHAT_RATE_LIMIT_PER_SEC`).
 */
export class SendPacer {
  private readonly acquireCommand: PacerCommand;
  private readonly releaseCommand: PacerCommand;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly redis: RedisClient,
    private readonly keyspace: Keyspace,
    private readonly options: SendPacerOptions,
  ) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    const commands = redis as unknown as Record<string, PacerCommand>;
    if (!('wxdPaceAcquire' in redis)) {
      redis.defineCommand('wxdPaceAcquire', { numberOfKeys: 1, lua: ACQUIRE_LUA });
      redis.defineCommand('wxdPaceRelease', { numberOfKeys: 1, lua: RELEASE_LUA });
    }
    this.acquireCommand = commands.wxdPaceAcquire!.bind(redis);
    this.releaseCommand = commands.wxdPaceRelease!.bind(redis);
  }

  /** Runs `send` once this app may send one more message. */
  async paced<T>(appId: string, send: () => Promise<T>): Promise<T> {
    if (this.options.perSecond <= 0) {
      return send();
    }
    const key = this.keyspace.key('pace', appId);
    const member = randomUUID();
    for (;;) {
      const waitMs = await this.acquireCommand(
        key,
        String(this.options.perSecond),
        '1000',
        member,
        String(this.options.inFlightMs ?? 30000),
      );
      if (waitMs === 0) {
        break;
      }
      await this.sleep(waitMs);
    }
    try {
      return await send();
    } finally {
      await this.releaseCommand(key, member);
    }
  }
}
