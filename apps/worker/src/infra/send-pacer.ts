import type { Redis } from 'ioredis';
import type { Keyspace } from '@wechat-dispatch/shared';

/**
 * A sliding-window log per app in a sorted set, on Redis' own clock so every worker agrees:
 * drop entries older than the window; if fewer than `limit` remain, take a slot; otherwise
 * answer how long until the oldest entry leaves the window.
 * KEYS: the app's window. ARGV: limit, windowMs, member. Returns 0 (slot taken) or ms to wait.
 */
const ACQUIRE_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window * 2)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now + 1)
`;

/**
 * The window is a little longer than the second it enforces: slots are taken in Redis before
 * the HTTP request leaves, and request latency varies, so WeChat may see two sends closer
 * together than their slots were. The margin absorbs that jitter.
 */
const JITTER_MARGIN_MS = 50;

type AcquireCommand = (
  key: string,
  limit: string,
  windowMs: string,
  member: string,
) => Promise<number>;

/**
 * Caps sends per app at `perSecond` in any one-second window (sliding, not fixed), across every
 * worker process (`WECHAT_RATE_LIMIT_PER_SEC`). A cap of 0 means no cap.
 */
export class SendPacer {
  private readonly acquireCommand: AcquireCommand;
  private counter = 0;

  constructor(
    private readonly redis: Redis,
    private readonly keyspace: Keyspace,
    private readonly perSecond: number,
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    if (!('wxdPaceAcquire' in redis)) {
      redis.defineCommand('wxdPaceAcquire', { numberOfKeys: 1, lua: ACQUIRE_LUA });
    }
    const command = (redis as unknown as Record<string, AcquireCommand>).wxdPaceAcquire;
    this.acquireCommand = command!.bind(redis);
  }

  /** Waits until this process may send one more message for `appId`. */
  async acquire(appId: string): Promise<void> {
    if (this.perSecond <= 0) {
      return;
    }
    const key = this.keyspace.key('pace', appId);
    const member = `${process.pid}-${Date.now()}-${this.counter++}`;
    for (;;) {
      const waitMs = await this.acquireCommand(
        key,
        String(this.perSecond),
        String(1000 + JITTER_MARGIN_MS),
        member,
      );
      if (waitMs === 0) {
        return;
      }
      await this.sleep(waitMs);
    }
  }
}
