import type { RequestHandler } from 'express';
import { rateLimit, type Store } from 'express-rate-limit';
import { AppError, ERROR_CODES, type Logger } from '@wechat-dispatch/shared';
import { localsOf } from '../request-locals';

/** Options of {@link perCallerRateLimit}. */
export interface RateLimitOptions {
  /** Requests per caller per minute; 0 turns the limit off. */
  perMinute: number;
  /** Where the counters live (Redis, so the limit holds across replicas). */
  store: Store;
  logger: Logger;
}

/**
 * A fixed one-minute window per caller (the API key's name, so it must run after auth),
 * counted in Redis. Over the limit: 429 `rate_limited` with `Retry-After` in seconds.
 * A counter that cannot be read fails the request (503): see infra/rate-limit-store.ts.
 */
export function perCallerRateLimit(options: RateLimitOptions): RequestHandler {
  if (options.perMinute <= 0) {
    return (_req, _res, next) => next();
  }
  return rateLimit({
    windowMs: 60_000,
    limit: options.perMinute,
    store: options.store,
    keyGenerator: (_req, res) => localsOf(res).caller ?? 'anonymous',
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    passOnStoreError: false,
    logger: {
      error: (err, message) => options.logger.warn('rate limiter error', { err, detail: message }),
      warn: (err, message) => options.logger.warn('rate limiter warning', { err, detail: message }),
    },
    handler: (_req, _res, next) => {
      next(
        new AppError(
          ERROR_CODES.RATE_LIMITED,
          429,
          `More than ${options.perMinute} requests in a minute with this API key; see Retry-After`,
        ),
      );
    },
  });
}
