import type { RequestHandler, Response } from 'express';
import { AppError, ERROR_CODES } from '@wechat-dispatch/shared';
import type { QuotaDecision, RequestQuota } from '../../domain/request-quota';
import { localsOf } from '../request-locals';

/** The IETF draft-7 headers (`RateLimit`, `RateLimit-Policy`), and `Retry-After` when limited. */
function setHeaders(res: Response, decision: QuotaDecision, windowSeconds: number): void {
  res.setHeader('RateLimit-Policy', `${decision.limit};w=${windowSeconds}`);
  res.setHeader(
    'RateLimit',
    `limit=${decision.limit}, remaining=${decision.remaining}, reset=${decision.resetSeconds}`,
  );
  if (!decision.allowed) {
    res.setHeader('Retry-After', String(decision.resetSeconds));
  }
}

/**
 * The per-caller limit (the API key's name, so it must run after auth); without a quota, a
 * pass-through. Over the limit: 429 `rate_limited` with `Retry-After` in seconds. A counter that
 * cannot be read fails the request (503): see infra/redis-quota-lease.ts.
 */
export function perCallerRateLimit(quota: RequestQuota | undefined): RequestHandler {
  if (!quota) {
    return (_req, _res, next) => next();
  }
  const windowSeconds = 60;
  const finish = (res: Response, decision: QuotaDecision): void => {
    setHeaders(res, decision, windowSeconds);
    if (!decision.allowed) {
      throw new AppError(
        ERROR_CODES.RATE_LIMITED,
        429,
        `More than ${decision.limit} requests in a minute with this API key; see Retry-After`,
      );
    }
  };
  return (_req, res, next): void | Promise<void> => {
    const decision = quota.take(localsOf(res).caller ?? 'anonymous');
    if (decision instanceof Promise) {
      // Express 5 passes a rejected promise (limited, or Redis away) to the error handler.
      return decision.then((settled) => {
        finish(res, settled);
        next();
      });
    }
    finish(res, decision);
    next();
    return undefined;
  };
}
