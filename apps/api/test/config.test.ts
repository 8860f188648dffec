import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@wechat-dispatch/shared';
import { loadApiConfig } from '../src/config';

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
    expect(loadApiConfig({ ...BASE, ADMIN_USER: 'op', ADMIN_PASSWORD: 'pw' }).admin).toEqual({
      user: 'op',
      password: 'pw',
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
});
