import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@wechat-dispatch/shared';
import { apiConfigWarnings, loadApiConfig } from '../src/config';

const BASE = {
  WECHAT_APPS: 'wxconfig000000001:secret-1',
  API_KEYS: 'orders:orders-key-000001,ops:ops-key-0000001',
};

describe('loadApiConfig', () => {
  it('when only the required variables are set, then the new settings have their defaults', () => {
    const config = loadApiConfig(BASE);

    expect(config).toMatchObject({
      port: 3000,
      rateLimitPerMin: 60000,
      adminCallers: [],
      admin: undefined,
      redis: { kind: 'single', url: 'redis://127.0.0.1:6379' },
    });
  });

  it('when API_ADMIN_CALLERS and API_RATE_LIMIT_PER_MIN are set, then they are read', () => {
    const config = loadApiConfig({
      ...BASE,
      API_ADMIN_CALLERS: ' ops ',
      API_RATE_LIMIT_PER_MIN: '0',
    });

    expect(config.adminCallers).toEqual(['ops']);
    expect(config.rateLimitPerMin).toBe(0);
  });

  it('when API_ADMIN_CALLERS names a caller that has no key, then it fails naming the variable', () => {
    expect(() => loadApiConfig({ ...BASE, API_ADMIN_CALLERS: 'ghost' })).toThrow(
      /API_ADMIN_CALLERS: ghost is not a caller name from API_KEYS/,
    );
  });

  it.each([['-1'], ['lots']])(
    'when API_RATE_LIMIT_PER_MIN is %s, then it fails naming the variable',
    (value) => {
      expect(() => loadApiConfig({ ...BASE, API_RATE_LIMIT_PER_MIN: value })).toThrow(ConfigError);
      expect(() => loadApiConfig({ ...BASE, API_RATE_LIMIT_PER_MIN: value })).toThrow(
        /API_RATE_LIMIT_PER_MIN/,
      );
    },
  );

  it('when only one of ADMIN_USER and ADMIN_PASSWORD is set, then the dashboard stays off', () => {
    expect(loadApiConfig({ ...BASE, ADMIN_USER: 'op' }).admin).toBeUndefined();
    expect(
      loadApiConfig({ ...BASE, ADMIN_USER: 'op', ADMIN_PASSWORD: 'a-long-password' }).admin,
    ).toEqual({ user: 'op', password: 'a-long-password' });
  });

  it.each(['pw', '1234567'])(
    'when ADMIN_PASSWORD is %j, shorter than 8 characters, then it fails with one line naming the variable',
    (password) => {
      expect(() => loadApiConfig({ ...BASE, ADMIN_USER: 'op', ADMIN_PASSWORD: password })).toThrow(
        'config error: ADMIN_PASSWORD: must be at least 8 characters (12 or more advised)',
      );
    },
  );

  it('when ADMIN_PASSWORD has 8 to 11 characters, then it starts with a warning that does not hold it', () => {
    const config = loadApiConfig({ ...BASE, ADMIN_USER: 'op', ADMIN_PASSWORD: 'eight-ch' });

    const warnings = apiConfigWarnings(config);

    expect(warnings).toEqual(['ADMIN_PASSWORD is shorter than 12 characters; use a longer one']);
    expect(warnings.join()).not.toContain('eight-ch');
  });

  it('when ADMIN_PASSWORD has 12 characters or more, then there is no warning', () => {
    const config = loadApiConfig({ ...BASE, ADMIN_USER: 'op', ADMIN_PASSWORD: 'twelve-chars' });

    expect(apiConfigWarnings(config)).toEqual([]);
  });

  it('when the throttle and METRICS_TOKEN are not set, then failures are throttled at 20 a minute and /metrics is open', () => {
    expect(loadApiConfig(BASE)).toMatchObject({
      authFailureLimit: 20,
      authFailureWindowSeconds: 60,
      metricsToken: undefined,
    });
  });

  it('when an API_KEYS app list names an app that is not configured, then it fails naming API_KEYS', () => {
    expect(() =>
      loadApiConfig({ ...BASE, API_KEYS: 'orders:orders-key-000001:wxconfig000000001|wxghost' }),
    ).toThrow(/API_KEYS: caller orders names wxghost, which is not an appId from WECHAT_APPS/);
    expect(
      loadApiConfig({ ...BASE, API_KEYS: 'orders:orders-key-000001:wxconfig000000001' }).apiKeys,
    ).toEqual([{ name: 'orders', key: 'orders-key-000001', appIds: ['wxconfig000000001'] }]);
  });

  describe('app registry (#16)', () => {
    const KEY = Buffer.alloc(32, 7).toString('base64');
    const OLD_KEY = Buffer.alloc(32, 9).toString('base64');
    const KEYS_ONLY = { API_KEYS: BASE.API_KEYS };

    it('when APP_SECRETS_KEY is set, then WECHAT_APPS may be empty and the keys are read', () => {
      const config = loadApiConfig({
        ...KEYS_ONLY,
        WECHAT_APPS: '',
        APP_SECRETS_KEY: KEY,
        APP_SECRETS_KEY_PREVIOUS: OLD_KEY,
      });

      expect(config.apps).toEqual([]);
      expect(config.secretsKeys?.current).toEqual(Buffer.alloc(32, 7));
      expect(config.secretsKeys?.previous).toEqual(Buffer.alloc(32, 9));
    });

    it('when neither WECHAT_APPS nor APP_SECRETS_KEY is set, then it fails naming WECHAT_APPS', () => {
      expect(() => loadApiConfig(KEYS_ONLY)).toThrow(/config error: WECHAT_APPS: is required/);
    });

    it.each([['c2hvcnQ='], ['not base64 at all!'], [Buffer.alloc(33).toString('base64')]])(
      'when APP_SECRETS_KEY is %s, then it fails naming the variable',
      (value) => {
        expect(() => loadApiConfig({ ...BASE, APP_SECRETS_KEY: value })).toThrow(
          /config error: APP_SECRETS_KEY: must be 32 bytes in base64/,
        );
      },
    );

    it('when APP_SECRETS_KEY_PREVIOUS is set without APP_SECRETS_KEY, then it fails naming it', () => {
      expect(() => loadApiConfig({ ...BASE, APP_SECRETS_KEY_PREVIOUS: OLD_KEY })).toThrow(
        /config error: APP_SECRETS_KEY_PREVIOUS: needs APP_SECRETS_KEY/,
      );
    });

    it('when APP_SECRETS_KEY is unset, then there is no registry', () => {
      expect(loadApiConfig(BASE).secretsKeys).toBeUndefined();
    });
  });

  it('when the throttle and METRICS_TOKEN are set, then they are read', () => {
    const config = loadApiConfig({
      ...BASE,
      AUTH_FAILURE_LIMIT: '0',
      AUTH_FAILURE_WINDOW_S: '300',
      METRICS_TOKEN: 'scrape-token-0123456789',
    });

    expect(config).toMatchObject({
      authFailureLimit: 0,
      authFailureWindowSeconds: 300,
      metricsToken: 'scrape-token-0123456789',
    });
  });

  it('when METRICS_TOKEN is empty, as .env.example leaves it, then /metrics is open', () => {
    expect(loadApiConfig({ ...BASE, METRICS_TOKEN: '' }).metricsToken).toBeUndefined();
  });

  it.each([
    ['AUTH_FAILURE_LIMIT', '-1'],
    ['AUTH_FAILURE_WINDOW_S', '0'],
    ['METRICS_TOKEN', 'short'],
    ['METRICS_TOKEN', 'a token with spaces'],
  ])('when %s is %j, then it fails naming the variable', (variable, value) => {
    expect(() => loadApiConfig({ ...BASE, [variable]: value })).toThrow(
      new RegExp(`config error: ${variable}: `),
    );
  });
});

describe('the central token proxy settings (#19)', () => {
  it('when WECHAT_PROXY is unset, then the proxy is off for every app', () => {
    expect(loadApiConfig(BASE).wechatProxy).toMatchObject({
      apps: [],
      timeoutMs: 10000,
      apiBase: 'https://api.weixin.qq.com',
      tokenMode: 'stable',
    });
  });

  it.each<[string, 'all' | string[]]>([
    ['on', 'all'],
    ['off', []],
    ['wxconfig000000001, wxother', ['wxconfig000000001', 'wxother']],
  ])('when WECHAT_PROXY is %s, then it is on for %j', (value, apps) => {
    expect(loadApiConfig({ ...BASE, WECHAT_PROXY: value }).wechatProxy.apps).toEqual(apps);
  });

  it('when WECHAT_PROXY_PATHS names a path outside /cgi-bin, /wxa and /datacube, then it fails naming the variable', () => {
    expect(() => loadApiConfig({ ...BASE, WECHAT_PROXY_PATHS: '/sns/oauth2' })).toThrow(
      /WECHAT_PROXY_PATHS/,
    );
  });
});

describe('the compat caller names (#19)', () => {
  it('when WECHAT_COMPAT_CALLERS names an app, then its dispatch tokens act as that caller', () => {
    const config = loadApiConfig({
      ...BASE,
      WECHAT_COMPAT_CALLERS: 'wxconfig000000001:legacy-crm',
    });

    expect(config.compatCallers).toEqual({ wxconfig000000001: 'legacy-crm' });
  });

  it('when an entry is not appId:callerName, then it fails naming the variable', () => {
    expect(() => loadApiConfig({ ...BASE, WECHAT_COMPAT_CALLERS: 'justone' })).toThrow(
      /WECHAT_COMPAT_CALLERS/,
    );
  });
});
