/** China Standard Time is UTC+8 all year (no daylight saving). */
const CST_OFFSET_MS = 8 * 3600 * 1000;

/**
 * When a quota pause ends: 45011 (minute quota) at the start of the next minute; 45009 (daily
 * quota) at the next 00:00 China Standard Time, when WeChat resets daily counters.
 */
export function nextPauseEnd(kind: 'rate_minute' | 'rate_daily', now: Date): Date {
  const t = now.getTime();
  if (kind === 'rate_minute') {
    return new Date(Math.floor(t / 60000) * 60000 + 60000);
  }
  const cstMidnight = Math.floor((t + CST_OFFSET_MS) / 86400000) * 86400000 + 86400000;
  return new Date(cstMidnight - CST_OFFSET_MS);
}
