import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { appKeys } from '@wechat-dispatch/core';
import { Keyspace, createLogger } from '@wechat-dispatch/shared';
import { TEST_REDIS_URL, uniquePrefix, waitFor } from '@wechat-dispatch/testkit';
import { CircuitBreakers } from '../src/infra/circuit-breakers';

/**
 * The breakers of many apps answered in one event-loop turn (a worker sending for 1,000 apps
 * finishes sends of hundreds of them per turn), on real Redis: the turn's answered sends go to
 * Redis together, and each app's breaker is still closed exactly once, by its own answer, and
 * each app's run of failures still ends.
 */
describe('circuit breakers answered for many apps in one turn', () => {
  const keyspace = new Keyspace(uniquePrefix('breakers'));
  const logger = createLogger({ service: 'worker', level: 'info', silent: true });
  const appIds = Array.from({ length: 300 }, (_, i) => `wxmany${String(i).padStart(12, '0')}`);
  /** Every other app has an open breaker; the rest have one failure recorded. */
  const opened = appIds.filter((_, i) => i % 2 === 0);
  const failing = appIds.filter((_, i) => i % 2 === 1);
  const closes: string[] = [];
  let redis: Redis;
  let breakers: CircuitBreakers;

  beforeAll(async () => {
    redis = new Redis(TEST_REDIS_URL);
    breakers = new CircuitBreakers({
      redis,
      keyspace,
      logger,
      policy: { failures: 2, probeMinMs: 60_000, probeMaxMs: 60_000, probeLeaseMs: 1000 },
      onClose: (appId) => closes.push(appId),
    });
    const flags = { probe: false, last: false };
    for (const appId of opened) {
      await breakers.failed(appId, `${appId}-a`, flags);
      await breakers.failed(appId, `${appId}-b`, flags);
    }
    for (const appId of failing) {
      await breakers.failed(appId, `${appId}-a`, flags);
    }
  });

  afterAll(async () => {
    const keys = await redis.keys(`${keyspace.root}*`);
    if (keys.length > 0) {
      await redis.unlink(...keys);
    }
    await redis.quit();
  });

  it('when 300 apps get an answered send in the same turn, then the 150 open breakers close once each and the other 150 apps forget their failure', async () => {
    expect(await breakers.openApps()).toEqual([...opened].sort());

    for (const appId of appIds) {
      breakers.answered(appId);
      // A second answer of the same turn changes nothing.
      breakers.answered(appId);
    }

    await waitFor(() => Promise.resolve(closes.length === opened.length || undefined), {
      intervalMs: 10,
      timeoutMs: 5000,
      description: 'every open breaker to close',
    });
    expect([...closes].sort()).toEqual([...opened].sort());
    expect(await breakers.openApps()).toEqual([]);
    const failureSets = await Promise.all(
      appIds.map((appId) => redis.exists(appKeys(keyspace, appId).breakerFailures)),
    );
    expect(failureSets.filter((n) => n === 1)).toHaveLength(0);
    // The run ended: one new failure does not open a breaker of failures: 2.
    expect(
      await breakers.failed(failing[0]!, 'after-answer', { probe: false, last: false }),
    ).toEqual({ open: false });
    expect(closes).toHaveLength(opened.length);
  });
});
