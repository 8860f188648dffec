/** The most events that fall in any window of `windowMs` (sliding), e.g. sends WeChat saw per second. */
export function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= windowMs) {
      start++;
    }
    best = Math.max(best, end - start + 1);
  }
  return best;
}
