/**
 * Exponential backoff with full jitter (AWS "Exponential Backoff And Jitter"): a uniformly random
 * delay between 0 and min(cap, base × 2^(failures−1)). Full jitter spreads a burst of failures
 * (a WeChat hiccup hits every in-flight message at once) so retries do not arrive together.
 * @param failures how many attempts have failed so far (≥ 1)
 */
export function backoffDelayMs(
  failures: number,
  baseMs: number,
  capMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, failures - 1));
  return Math.floor(random() * ceiling);
}
