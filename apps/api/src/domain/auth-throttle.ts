import {
  AppError,
  ERROR_CODES,
  type Logger,
  type UnauthorizedError,
} from '@wechat-dispatch/shared';

/** One failure counted by the shared counter. */
export interface FailureCount {
  /** Failures of the address in the current window, every replica, this one included. */
  failures: number;
  /** Milliseconds until the window ends. */
  resetMs: number;
}

/** The shared per-address counter of failed authentications (Redis). */
export type CountFailure = (address: string) => Promise<FailureCount>;

/** 429 for an address past the failure limit; `Retry-After` is {@link retryAfterSeconds}. */
export class AuthThrottledError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super(
      ERROR_CODES.RATE_LIMITED,
      429,
      'Too many failed authentications from this address; see Retry-After',
    );
  }
}

/** Options of {@link AuthThrottle}. */
export interface AuthThrottleOptions {
  /** Failures per address and window answered 401; the next ones are 429. */
  limit: number;
  countFailure: CountFailure;
  logger: Logger;
  /** @defaultValue Date.now */
  now?: () => number;
}

/** Addresses remembered as blocked by one replica; older entries go first past this. */
const MAX_BLOCKED = 10_000;

/**
 * Throttles failed authentication per client address, across replicas: every failure is
 * counted in Redis, and past `limit` in the window the address is answered 429 with
 * `Retry-After` — its failures and its successes alike, or a guess that happens to be right
 * would still tell. A success costs no Redis call: a replica remembers the addresses it learnt
 * are blocked (from its own failures' counts) until their window ends, so after the limit an
 * address gets at most one more guess checked per replica that had not yet seen it fail.
 */
export class AuthThrottle {
  private readonly blockedUntil = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly options: AuthThrottleOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The 429 for `address` if this replica knows it is blocked, else undefined. */
  blocked(address: string): AuthThrottledError | undefined {
    const until = this.blockedUntil.get(address);
    if (until === undefined) {
      return undefined;
    }
    const left = until - this.now();
    if (left <= 0) {
      this.blockedUntil.delete(address);
      return undefined;
    }
    return new AuthThrottledError(Math.ceil(left / 1000));
  }

  /**
   * Counts a failed authentication of `address`: the error to answer with, `failure` itself
   * (401) up to the limit, a 429 past it.
   * @throws DependencyUnavailableError when the counter does not answer (fails closed)
   */
  async refusal(address: string, failure: UnauthorizedError): Promise<AppError> {
    const { failures, resetMs } = await this.options.countFailure(address);
    if (failures <= this.options.limit) {
      return failure;
    }
    this.remember(address, this.now() + resetMs);
    const throttled = new AuthThrottledError(Math.max(1, Math.ceil(resetMs / 1000)));
    if (failures === this.options.limit + 1) {
      this.options.logger.warn('failed authentications throttled', {
        address,
        failures,
        retryAfterSeconds: throttled.retryAfterSeconds,
      });
    }
    return throttled;
  }

  private remember(address: string, until: number): void {
    this.blockedUntil.delete(address);
    if (this.blockedUntil.size >= MAX_BLOCKED) {
      const now = this.now();
      for (const [known, knownUntil] of this.blockedUntil) {
        if (knownUntil <= now || this.blockedUntil.size >= MAX_BLOCKED) {
          this.blockedUntil.delete(known);
        }
      }
    }
    this.blockedUntil.set(address, until);
  }
}
