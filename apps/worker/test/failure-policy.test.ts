import { describe, expect, it } from '@jest/globals';
import { backoffDelayMs } from '../src/domain/backoff';
import { decideFailure } from '../src/domain/classify-failure';
import { nextPauseEnd } from '../src/domain/quota-reset';

const policy = { maxAttempts: 3, backoffBaseMs: 1000, backoffMaxMs: 10000 };
const now = new Date('2026-11-27T03:20:30.500Z');
const lastError = { errcode: -1, errmsg: 'system error' };

describe('backoffDelayMs', () => {
  it('when the random source is at its top, then the delay doubles per failure up to the cap', () => {
    const top = () => 0.999999;

    const delays = [1, 2, 3, 4, 5].map((n) => backoffDelayMs(n, 1000, 10000, top));

    expect(delays).toEqual([999, 1999, 3999, 7999, 9999]);
  });

  it('when the random source is at zero, then the delay is zero (full jitter)', () => {
    expect(backoffDelayMs(3, 1000, 10000, () => 0)).toBe(0);
  });
});

describe('nextPauseEnd', () => {
  it('when the minute quota is hit, then the pause ends at the next minute', () => {
    expect(nextPauseEnd('rate_minute', now).toISOString()).toBe('2026-11-27T03:21:00.000Z');
  });

  it('when the daily quota is hit, then the pause ends at 00:00 China Standard Time (16:00 UTC)', () => {
    expect(nextPauseEnd('rate_daily', now).toISOString()).toBe('2026-11-27T16:00:00.000Z');
    expect(nextPauseEnd('rate_daily', new Date('2026-11-27T17:00:00Z')).toISOString()).toBe(
      '2026-11-28T16:00:00.000Z',
    );
  });
});

describe('decideFailure', () => {
  it('when the error is permanent, then the message is dead at once', () => {
    const decision = decideFailure(
      { errorClass: 'permanent', lastError: { errcode: 40003, errmsg: 'invalid openid' } },
      1,
      policy,
      now,
    );

    expect(decision.kind).toBe('dead');
  });

  it('when a transient error is below the attempt budget, then it retries with backoff', () => {
    const decision = decideFailure(
      { errorClass: 'transient', lastError },
      2,
      policy,
      now,
      () => 0.5,
    );

    expect(decision).toEqual({ kind: 'retry', delayMs: 1000, lastError, errorClass: 'transient' });
  });

  it('when a transient error uses the last attempt, then the message is dead', () => {
    expect(decideFailure({ errorClass: 'transient', lastError }, 3, policy, now).kind).toBe('dead');
  });

  it('when the minute quota is hit, then it waits until the next minute without spending an attempt', () => {
    const decision = decideFailure({ errorClass: 'rate_minute', lastError }, 3, policy, now);

    expect(decision).toMatchObject({ kind: 'wait', delayMs: 29500 });
  });

  it('when the token endpoint answers a config error, then it waits a bounded time, never at once', () => {
    const decision = decideFailure({ errorClass: 'config', lastError }, 1, policy, now, () => 0);

    expect(decision).toMatchObject({ kind: 'wait', delayMs: 5000 });
  });
});
