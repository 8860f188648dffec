const CST_OFFSET_MS = 8 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

/**
 * The day number in China Standard Time; WeChat's daily quotas reset at 00:00 CST.
 *
 * @param nowMs - epoch milliseconds
 */
export function cstDay(nowMs: number): number {
  return Math.floor((nowMs + CST_OFFSET_MS) / DAY_MS);
}

/** Counters per key that start again from zero every CST day. */
export class DailyCounter {
  private readonly counts = new Map<string, { day: number; count: number }>();

  /** @param now - the sandbox clock, epoch milliseconds */
  constructor(private readonly now: () => number) {}

  /** Today's count for `key`. */
  get(key: string): number {
    const entry = this.counts.get(key);
    return entry && entry.day === cstDay(this.now()) ? entry.count : 0;
  }

  /** Adds one to today's count for `key` and returns the new count. */
  increment(key: string): number {
    const day = cstDay(this.now());
    const entry = this.counts.get(key);
    const count = entry && entry.day === day ? entry.count + 1 : 1;
    this.counts.set(key, { day, count });
    return count;
  }

  /** Forgets every count (quota cleared). */
  clear(): void {
    this.counts.clear();
  }
}
