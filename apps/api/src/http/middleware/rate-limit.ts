import type { RequestHandler, Response } from 'express';
import { AppError, ERROR_CODES } from '@wechat-dispatch/shared';
import { QUOTA_WINDOW_MS, type QuotaDecision, type RequestQuota } from '../../domain/request-quota';
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
  const windowSeconds = QUOTA_WINDOW_MS / 1000;
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
  return (_req, res, next) => {
    const decision = quota.take(localsOf(res).caller ?? 'anonymous');
    if (decision instanceof Promise) {
      decision
        .then((settled) => {
          finish(res, settled);
          next();
        })
        .catch(next);
      return;
    }
    finish(res, decision);
    next();
  };
}
