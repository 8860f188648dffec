import type { ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { AppError, ERROR_CODES } from '@wechat-dispatch/shared';
import { QUOTA_WINDOW_MS, type QuotaDecision, type RequestQuota } from '../../domain/request-quota';
import { localsOf } from '../request-locals';

const WINDOW_SECONDS = QUOTA_WINDOW_MS / 1000;

/**
 * The IETF draft-7 headers (`RateLimit`, `RateLimit-Policy`), and over the limit `Retry-After`
 * and a 429.
 * @throws AppError `rate_limited` (429) when the request is not allowed
 */
function applyDecision(res: ServerResponse, decision: QuotaDecision): void {
  res.setHeader('RateLimit-Policy', `${decision.limit};w=${WINDOW_SECONDS}`);
  res.setHeader(
    'RateLimit',
    `limit=${decision.limit}, remaining=${decision.remaining}, reset=${decision.resetSeconds}`,
  );
  if (!decision.allowed) {
    res.setHeader('Retry-After', String(decision.resetSeconds));
    throw new AppError(
      ERROR_CODES.RATE_LIMITED,
      429,
      `More than ${decision.limit} requests in a minute with this API key; see Retry-After`,
    );
  }
}

/**
 * Charges one request to `caller` and sets the limit headers on `res`; synchronous while the
 * replica's lease lasts, a promise when it takes a new one. Without a quota, nothing.
 * @throws AppError `rate_limited` (429), or rejects with it
 */
export function chargeRequest(
  quota: RequestQuota | undefined,
  res: ServerResponse,
  caller: string,
): void | Promise<void> {
  if (!quota) {
    return;
  }
  const decision = quota.take(caller);
  if (decision instanceof Promise) {
    return decision.then((settled) => applyDecision(res, settled));
  }
  applyDecision(res, decision);
}

/**
 * The per-caller limit (the API key's name, so it must run after auth); without a quota, a
 * pass-through. Over the limit: 429 `rate_limited` with `Retry-After` in seconds. A counter that
 * cannot be read fails the request (503): see infra/redis-quota-lease.ts.
 */
export function perCallerRateLimit(quota: RequestQuota | undefined): RequestHandler {
  return (_req, res, next) => {
    const charged = chargeRequest(quota, res, localsOf(res).caller ?? 'anonymous');
    if (charged instanceof Promise) {
      charged.then(() => next(), next);
      return;
    }
    next();
  };
}
