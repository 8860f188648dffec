import { afterAll, afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { appKeys } from '@wechat-dispatch/core';
import { Keyspace, createLogger } from '@wechat-dispatch/shared';
import { TEST_REDIS_URL, uniquePrefix } from '@wechat-dispatch/testkit';
import { AppPauses } from '../src/infra/app-pauses';

const APP = 'wxpause';
const OTHER_APP = 'wxpauseother';

describe('AppPauses (real Redis)', () => {
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const logger = createLogger({ service: 'app-pauses-test', level: 'error' });
  let keyspace: Keyspace;
  let pauses: AppPauses;
  let counted: string[];

  const pauseLeft = (appId = APP) => redis.pttl(appKeys(keyspace, appId).pause);

  beforeEach(() => {
    keyspace = new Keyspace(uniquePrefix('pauses'));
    counted = [];
    pauses = new AppPauses({
      redis,
      keyspace,
      logger,
      onPause: (appId, reason) => counted.push(`${appId}:${reason}`),
    });
  });

  afterEach(async () => {
    const keys = await redis.keys(`${keyspace.root}*`);
    if (keys.length > 0) {
      await redis.del(...keys);
    }
  });

  afterAll(async () => {
    await redis.quit();
  });

  it('when an app is paused, then only its marker is set, for the pause, with the reason', async () => {
    const result = await pauses.pause(APP, 'rate_minute', 60000, 45009);

    expect(result).toEqual({ started: true, pauseMs: 60000 });
    expect(await pauseLeft()).toBeGreaterThan(59000);
    expect(await redis.get(appKeys(keyspace, APP).pause)).toBe('rate_minute');
    expect(await pauseLeft(OTHER_APP)).toBe(-2);
    expect(counted).toEqual([`${APP}:rate_minute`]);
  });

  it('when a shorter pause follows a longer one, then the longer one stays and is answered', async () => {
    await pauses.pause(APP, 'rate_daily', 3600000, 45011);
    const shorter = await pauses.pause(APP, 'rate_minute', 60000, 45009);

    expect(shorter.started).toBe(false);
    expect(shorter.pauseMs).toBeGreaterThan(3500000);
    expect(await redis.get(appKeys(keyspace, APP).pause)).toBe('rate_daily');
    expect(counted).toEqual([`${APP}:rate_daily`]);
  });

  it('when a longer pause follows a shorter one, then it extends the pause without counting again', async () => {
    await pauses.pause(APP, 'rate_minute', 60000, 45009);
    const longer = await pauses.pause(APP, 'rate_daily', 3600000, 45011);

    expect(longer).toEqual({ started: false, pauseMs: 3600000 });
    expect(await pauseLeft()).toBeGreaterThan(3500000);
    expect(counted).toEqual([`${APP}:rate_minute`]);
  });

  it('when ten workers pause the same app at once, then one of them starts the pause', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, () => pauses.pause(APP, 'rate_minute', 60000, 45009)),
    );

    expect(results.filter((r) => r.started)).toHaveLength(1);
    expect(counted).toHaveLength(1);
  });
});
