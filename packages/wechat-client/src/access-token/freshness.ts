import type { AccessTokenTunables } from './access-token-options';

/**
 * - `fresh`: hand it out.
 * - `stale`: inside the refresh margin; hand it out and refresh in the background.
 * - `cold`: absent or about to expire; callers wait for a fetched one.
 */
export type Freshness = 'fresh' | 'stale' | 'cold';

/**
 * Classifies a cached token by the ms it has left (Redis PTTL) and the lifetime WeChat stated.
 * The margin is min(`refreshMarginMaxMs`, expires_in × `refreshMarginRatio`): five minutes for
 * a normal 7200 s token, matching WeChat's old/new overlap, and a quarter of the life for the
 * short ones a stable token can come with (e.g. 345 s). The "too little left" floor is capped
 * at half the margin so a very short-lived token is still usable once fetched.
 */
export function freshness(
  remainingMs: number,
  expiresInS: number | undefined,
  tunables: Pick<
    AccessTokenTunables,
    'refreshMarginMaxMs' | 'refreshMarginRatio' | 'minRemainingMs'
  >,
): Freshness {
  if (remainingMs <= 0 || expiresInS === undefined || !Number.isFinite(expiresInS)) {
    return 'cold';
  }
  const margin = Math.min(
    tunables.refreshMarginMaxMs,
    expiresInS * 1000 * tunables.refreshMarginRatio,
  );
  if (remainingMs > margin) {
    return 'fresh';
  }
  return remainingMs > Math.min(tunables.minRemainingMs, margin / 2) ? 'stale' : 'cold';
}
