import { describe, expect, it } from '@jest/globals';
import { DispatchTokens, defaultCompatCaller } from '../src/domain/dispatch-tokens';

const APP = 'wxtokens000000001';

function tokensWith(secrets: Map<string, string>, now = () => 1_800_000_000_000) {
  return new DispatchTokens({
    secretOf: (appId) => secrets.get(appId),
    callerOf: defaultCompatCaller,
    now,
  });
}

describe('DispatchTokens', () => {
  it('when a token is issued, then it checks as its app and compat caller', () => {
    const tokens = tokensWith(new Map([[APP, 'secret-one']]));

    const { access_token, expires_in } = tokens.issue(APP);

    expect(expires_in).toBe(7200);
    expect(tokens.check(access_token)).toEqual({ ok: true, appId: APP, caller: `compat-${APP}` });
  });

  it('when the app secret rotates, then its earlier tokens check as unknown (40001)', () => {
    const secrets = new Map([[APP, 'secret-one']]);
    const tokens = tokensWith(secrets);
    const issued = tokens.issue(APP).access_token;

    secrets.set(APP, 'secret-two');

    expect(tokens.check(issued)).toEqual({ ok: false, errcode: 40001 });
  });

  it('when the clock passes the expiry, then the token checks as expired (42001)', () => {
    let now = 1_800_000_000_000;
    const tokens = tokensWith(new Map([[APP, 'secret-one']]), () => now);
    const issued = tokens.issue(APP).access_token;

    now += 7200 * 1000;

    expect(tokens.check(issued)).toEqual({ ok: false, errcode: 42001 });
  });

  it('when a stable token is asked within one window, then it is the same token with one to two hours left', () => {
    let now = 1_800_000_000_000;
    const tokens = tokensWith(new Map([[APP, 'secret-one']]), () => now);
    const first = tokens.issueStable(APP);

    now += 60_000;
    const second = tokens.issueStable(APP);

    expect(second.access_token).toBe(first.access_token);
    expect(first.expires_in).toBeGreaterThan(3600);
    expect(first.expires_in).toBeLessThanOrEqual(7200);
  });

  it('when the secret is compared, then only the configured one matches and an app without one matches nothing', () => {
    const tokens = tokensWith(new Map([[APP, 'secret-one']]));

    expect(tokens.secretMatches(APP, 'secret-one')).toBe(true);
    expect(tokens.secretMatches(APP, 'secret-on')).toBe(false);
    expect(tokens.secretMatches('wxother', '')).toBe(false);
  });
});
