/** The limit's fixed window: `API_RATE_LIMIT_PER_MIN` counts per minute. */
export const QUOTA_WINDOW_MS = 60_000;

/** What one lease call to the shared counter returns. */
export interface QuotaLeaseResult {
  /** Requests granted to this replica (0 when the window is used up). */
  granted: number;
  /** Requests counted in the window so far, every replica, this grant included. */
  used: number;
  /** Milliseconds until the shared window ends. */
  resetMs: number;
}

/** The shared per-caller counter (Redis): grants up to `size` requests of the current window. */
export type QuotaLease = (caller: string, size: number) => Promise<QuotaLeaseResult>;

/** The answer for one request. */
export interface QuotaDecision {
  allowed: boolean;
  limit: number;
  /** Requests left in the window (an estimate across replicas). */
  remaining: number;
  /** Seconds until the window ends. */
  resetSeconds: number;
}

interface CallerWindow {
  /** Local clock time at which the shared window ends. */
  endsAt: number;
  /** Granted to this replica and not spent yet. */
  leased: number;
  /** Counted in Redis at the last lease. */
  used: number;
  /** Whether the shared window is used up (no lease until it ends). */
  exhausted: boolean;
  pending?: Promise<void>;
}

/** Options of {@link RequestQuota}. */
export interface RequestQuotaOptions {
  perMinute: number;
  lease: QuotaLease;
  now?: () => number;
}

/**
 * The largest lease: small enough that a replica never holds more than 1/600 of a minute's
 * limit, so unspent leases cost other replicas at most that much each; 1 (exact counting)
 * for limits up to 1,199 a minute.
 */
export function leaseSizeFor(perMinute: number): number {
  return Math.max(1, Math.min(100, Math.floor(perMinute / 600)));
}

/**
 * A per-caller request limit per fixed window, shared by every API replica without a Redis
 * round trip per request: each replica leases a handful of requests at a time from the shared
 * counter and spends them locally. The counter never grants more than the limit, so callers
 * never get more than `perMinute` in a window; unspent leases at the end of a window are lost,
 * so a caller may get up to `replicas × (lease size − 1)` fewer. Once the window is used up,
 * the replica answers "limited" without asking Redis until the window ends.
 */
export class RequestQuota {
  private readonly windows = new Map<string, CallerWindow>();
  private readonly leaseSize: number;
  private readonly now: () => number;

  constructor(private readonly options: RequestQuotaOptions) {
    this.leaseSize = leaseSizeFor(options.perMinute);
    this.now = options.now ?? Date.now;
  }

  /**
   * Spends one request of `caller`: synchronous while this replica holds a lease, one Redis
   * call otherwise (shared by every request of the caller that waits for it).
   * @throws whatever the lease throws (Redis unavailable)
   */
  take(caller: string): QuotaDecision | Promise<QuotaDecision> {
    const window = this.current(caller);
    if (window.leased > 0) {
      window.leased -= 1;
      return this.decision(window, true);
    }
    if (window.exhausted) {
      return this.decision(window, false);
    }
    window.pending ??= this.renew(caller, window);
    return window.pending.then(() => this.take(caller));
  }

  private current(caller: string): CallerWindow {
    const known = this.windows.get(caller);
    if (known && (known.pending || this.now() < known.endsAt)) {
      return known;
    }
    const fresh: CallerWindow = { endsAt: 0, leased: 0, used: 0, exhausted: false };
    this.windows.set(caller, fresh);
    return fresh;
  }

  private async renew(caller: string, window: CallerWindow): Promise<void> {
    try {
      const result = await this.options.lease(caller, this.leaseSize);
      window.endsAt = this.now() + result.resetMs;
      window.leased += result.granted;
      window.used = result.used;
      window.exhausted = result.granted === 0;
    } finally {
      window.pending = undefined;
    }
  }

  private decision(window: CallerWindow, allowed: boolean): QuotaDecision {
    const limit = this.options.perMinute;
    return {
      allowed,
      limit,
      remaining: Math.max(0, limit - window.used + window.leased),
      resetSeconds: Math.max(1, Math.ceil((window.endsAt - this.now()) / 1000)),
    };
  }
}
