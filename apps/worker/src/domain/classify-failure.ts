import type { LastError } from '@wechat-dispatch/core';
import type { ErrcodeClass } from '@wechat-dispatch/wechat-client';
import { backoffDelayMs } from './backoff';
import { nextPauseEnd } from './quota-reset';

/** What to do with a message whose send failed. */
export type FailureDecision =
  /** Try again later and count the attempt. */
  | { kind: 'retry'; delayMs: number; lastError: LastError; errorClass: ErrcodeClass }
  /** Try again later without counting an attempt (quota pauses, token-endpoint config errors). */
  | { kind: 'wait'; delayMs: number; lastError: LastError; errorClass: ErrcodeClass }
  /** Give up: dead-letter now. */
  | { kind: 'dead'; lastError: LastError; errorClass: ErrcodeClass };

/** The retry policy a decision is made under. */
export interface RetryPolicy {
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

/** How a failed send reads, whatever threw it. */
export interface FailureFacts {
  errorClass: ErrcodeClass;
  lastError: LastError;
}

/** How long a message waits while its app's token endpoint answers a configuration error. */
const CONFIG_ERROR_WAIT_MS = 30000;

/**
 * Decides the fate of a failed attempt (CONTRACT §4): permanent → dead at once; transient (and a
 * token error that survived its one refresh-retry) → backoff until `maxAttempts`, then dead;
 * quota errors → wait until the quota resets without spending an attempt; token-endpoint config
 * errors → wait with a bounded delay, never a hot loop.
 * @param attempt the number of this attempt, counting from 1
 */
export function decideFailure(
  facts: FailureFacts,
  attempt: number,
  policy: RetryPolicy,
  now: Date,
  random: () => number = Math.random,
): FailureDecision {
  const { errorClass, lastError } = facts;
  switch (errorClass) {
    case 'permanent':
      return { kind: 'dead', lastError, errorClass };
    case 'rate_minute':
    case 'rate_daily':
      return {
        kind: 'wait',
        delayMs: nextPauseEnd(errorClass, now).getTime() - now.getTime(),
        lastError,
        errorClass,
      };
    case 'config':
      return {
        kind: 'wait',
        delayMs: Math.round(
          Math.min(policy.backoffMaxMs, CONFIG_ERROR_WAIT_MS) * (0.5 + random() / 2),
        ),
        lastError,
        errorClass,
      };
    case 'token':
    case 'transient':
      if (attempt >= policy.maxAttempts) {
        return { kind: 'dead', lastError, errorClass };
      }
      return {
        kind: 'retry',
        delayMs: backoffDelayMs(attempt, policy.backoffBaseMs, policy.backoffMaxMs, random),
        lastError,
        errorClass,
      };
  }
}
