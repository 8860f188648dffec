import { describe, expect, it } from '@jest/globals';
import type { AccessTokenProvider } from '@wechat-dispatch/wechat-client';
import { RecentTokens } from '../src/infra/recent-tokens';

/** A token provider that hands out T1, T2, … and records every call. */
function fakeProvider() {
  let issued = 0;
  const calls: string[] = [];
  const provider: AccessTokenProvider = {
    get: (appId) => {
      calls.push(`get ${appId}`);
      issued += 1;
      return Promise.resolve(`T${issued}`);
    },
    invalidate: (appId, failed) => {
      calls.push(`invalidate ${appId} ${failed}`);
      return Promise.resolve(true);
    },
  };
  return { provider, calls };
}

describe('RecentTokens', () => {
  it('when sends ask within the reuse window, then the shared cache is asked once', async () => {
    const { provider, calls } = fakeProvider();
    let now = 0;
    const tokens = new RecentTokens(provider, 1000, () => now);

    const first = await Promise.all([tokens.get('wxa'), tokens.get('wxa')]);
    now = 999;
    const later = await tokens.get('wxa');

    expect([...first, later]).toEqual(['T1', 'T1', 'T1']);
    expect(calls).toEqual(['get wxa']);
  });

  it('when the window has passed, then the shared cache is asked again', async () => {
    const { provider, calls } = fakeProvider();
    let now = 0;
    const tokens = new RecentTokens(provider, 1000, () => now);

    await tokens.get('wxa');
    now = 1000;

    expect(await tokens.get('wxa')).toBe('T2');
    expect(calls).toEqual(['get wxa', 'get wxa']);
  });

  it('when WeChat rejects the token, then it is forgotten and the retry asks the shared cache', async () => {
    const { provider, calls } = fakeProvider();
    const tokens = new RecentTokens(provider, 1000, () => 0);

    const failed = await tokens.get('wxa');
    await tokens.invalidate('wxa', failed);
    const retry = await tokens.get('wxa');

    expect(retry).toBe('T2');
    expect(calls).toEqual(['get wxa', 'invalidate wxa T1', 'get wxa']);
  });

  it('when a different token than the one remembered failed, then the remembered one stays', async () => {
    const { provider, calls } = fakeProvider();
    const tokens = new RecentTokens(provider, 1000, () => 0);

    await tokens.get('wxa');
    await tokens.invalidate('wxa', 'T0');

    expect(await tokens.get('wxa')).toBe('T1');
    expect(calls).toEqual(['get wxa', 'invalidate wxa T0']);
  });

  it('when the shared cache fails, then the failure is not remembered', async () => {
    let fail = true;
    const provider: AccessTokenProvider = {
      get: () => (fail ? Promise.reject(new Error('config error')) : Promise.resolve('T1')),
      invalidate: () => Promise.resolve(false),
    };
    const tokens = new RecentTokens(provider, 1000, () => 0);

    await expect(tokens.get('wxa')).rejects.toThrow('config error');
    fail = false;

    expect(await tokens.get('wxa')).toBe('T1');
  });

  it('when two apps send, then each has its own token', async () => {
    const { provider } = fakeProvider();
    const tokens = new RecentTokens(provider, 1000, () => 0);

    expect([await tokens.get('wxa'), await tokens.get('wxb'), await tokens.get('wxa')]).toEqual([
      'T1',
      'T2',
      'T1',
    ]);
  });
});
