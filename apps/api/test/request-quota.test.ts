import { describe, expect, it } from '@jest/globals';
import {
  RequestQuota,
  leaseSizeFor,
  type QuotaDecision,
  type QuotaLease,
} from '../src/domain/request-quota';

/** The shared counter as the Redis script keeps it, in memory: the rules under test are local. */
function sharedCounter(limit: number, windowMs = 60_000, now = () => clock.now) {
  const state = { used: 0, endsAt: 0, calls: 0 };
  const lease: QuotaLease = (_caller, size) => {
    state.calls += 1;
    if (now() >= state.endsAt) {
      state.used = 0;
      state.endsAt = now() + windowMs;
    }
    const granted = Math.max(0, Math.min(size, limit - state.used));
    state.used += granted;
    return Promise.resolve({ granted, used: state.used, resetMs: state.endsAt - now() });
  };
  return { lease, state };
}

const clock = { now: 1_000_000 };
const now = () => clock.now;

async function takeMany(quota: RequestQuota, caller: string, n: number): Promise<QuotaDecision[]> {
  return Promise.all(Array.from({ length: n }, () => Promise.resolve(quota.take(caller))));
}

describe('leaseSizeFor', () => {
  it('leases one at a time up to 1,199 a minute, then 1/600 of the limit, at most 100', () => {
    expect([1, 5, 1199, 1200, 6000, 60_000, 1_000_000].map(leaseSizeFor)).toEqual([
      1, 1, 1, 2, 10, 100, 100,
    ]);
  });
});

describe('RequestQuota', () => {
  it('when two replicas share a counter, then together they never allow more than the limit and lose at most a lease each', async () => {
    const { lease } = sharedCounter(6000);
    const replicas = [
      new RequestQuota({ perMinute: 6000, lease, now }),
      new RequestQuota({ perMinute: 6000, lease, now }),
    ];
    let allowed = 0;
    for (let i = 0; i < 8000; i += 1) {
      const decision = await replicas[i % 2]!.take('orders');
      allowed += decision.allowed ? 1 : 0;
    }
    expect(allowed).toBeLessThanOrEqual(6000);
    expect(allowed).toBeGreaterThanOrEqual(6000 - 2 * (leaseSizeFor(6000) - 1));
  });

  it('when many requests find no lease at once, then one lease call serves them', async () => {
    const { lease, state } = sharedCounter(60_000);
    const quota = new RequestQuota({ perMinute: 60_000, lease, now });
    const decisions = await takeMany(quota, 'orders', 50);
    expect(decisions.every((d) => d.allowed)).toBe(true);
    expect(state.calls).toBe(1);
  });

  it('when the window is used up, then requests are refused without asking Redis, with the seconds to wait', async () => {
    const { lease, state } = sharedCounter(3);
    const quota = new RequestQuota({ perMinute: 3, lease, now });
    const first = await takeMany(quota, 'orders', 3);
    const refused = await quota.take('orders');
    const callsAfterRefusal = state.calls;
    clock.now += 15_000;
    const stillRefused = await quota.take('orders');

    expect(first.map((d) => d.allowed)).toEqual([true, true, true]);
    expect(refused).toMatchObject({ allowed: false, limit: 3, remaining: 0, resetSeconds: 60 });
    expect(stillRefused).toMatchObject({ allowed: false, resetSeconds: 45 });
    expect(state.calls).toBe(callsAfterRefusal);
  });

  it('when the window ends, then the caller gets a fresh one', async () => {
    const { lease } = sharedCounter(2);
    const quota = new RequestQuota({ perMinute: 2, lease, now });
    await takeMany(quota, 'orders', 3);
    clock.now += 60_000;
    const next = await quota.take('orders');
    expect(next).toMatchObject({ allowed: true, remaining: 1 });
  });

  it('counts every caller on its own', async () => {
    const counters = new Map<string, ReturnType<typeof sharedCounter>>();
    const lease: QuotaLease = (caller, size) => {
      if (!counters.has(caller)) {
        counters.set(caller, sharedCounter(1));
      }
      return counters.get(caller)!.lease(caller, size);
    };
    const quota = new RequestQuota({ perMinute: 1, lease, now });
    const answers = [
      await quota.take('orders'),
      await quota.take('orders'),
      await quota.take('billing'),
    ];
    expect(answers.map((d) => d.allowed)).toEqual([true, false, true]);
  });

  it('when the lease fails, then the request fails with its error and the next one asks again', async () => {
    const outage = new Error('redis away');
    let fail = true;
    const { lease: working } = sharedCounter(10);
    const lease: QuotaLease = (caller, size) =>
      fail ? Promise.reject(outage) : working(caller, size);
    const quota = new RequestQuota({ perMinute: 10, lease, now });
    await expect(quota.take('orders')).rejects.toBe(outage);
    fail = false;
    await expect(quota.take('orders')).resolves.toMatchObject({ allowed: true });
  });
});
