import { describe, it, expect } from '@jest/globals';
import { ConfigError, parseSandboxEnv } from '../src';

describe('sandbox config', () => {
  it('when only WECHAT_APPS is set, then every other variable takes its default', () => {
    const config = parseSandboxEnv({ WECHAT_APPS: 'wx1:s1,wx2:s2' });

    expect(config).toEqual({
      apps: [
        { appId: 'wx1', appSecret: 's1' },
        { appId: 'wx2', appSecret: 's2' },
      ],
      port: 8081,
      host: '0.0.0.0',
      tokenTtlS: 7200,
      latencyMs: 0,
      eventDelayMs: 100,
      eventTargets: {},
      components: [],
      logLevel: 'info',
    });
  });

  it.each([
    [{}, 'config error: WECHAT_APPS: required, e.g. wx0123456789abcdef:secret'],
    [
      { WECHAT_APPS: 'wx1' },
      'config error: WECHAT_APPS: expected comma-separated appId:appSecret pairs',
    ],
    [{ WECHAT_APPS: 'wx1:a,wx1:b' }, 'config error: WECHAT_APPS: appId wx1 appears twice'],
    [{ WECHAT_APPS: 'wx1:a', SANDBOX_PORT: 'http' }, /^config error: SANDBOX_PORT: /],
    [{ WECHAT_APPS: 'wx1:a', SANDBOX_TOKEN_TTL_S: '0' }, /^config error: SANDBOX_TOKEN_TTL_S: /],
    [{ WECHAT_APPS: 'wx1:a', SANDBOX_LATENCY_MS: '-5' }, /^config error: SANDBOX_LATENCY_MS: /],
    [{ WECHAT_APPS: 'wx1:a', LOG_LEVEL: 'loud' }, /^config error: LOG_LEVEL: /],
    [{ WECHAT_APPS: 'wx1:a', SANDBOX_EVENTS: '{' }, /^config error: SANDBOX_EVENTS: expected JSON/],
    [
      { WECHAT_APPS: 'wx1:a', SANDBOX_EVENTS: '{"wx2":{"url":"http://x","token":"abc"}}' },
      /not in WECHAT_APPS/,
    ],
    [
      { WECHAT_APPS: 'wx1:a', SANDBOX_EVENTS: '{"wx1":{"url":"ftp://x","token":"abc"}}' },
      /url must be/,
    ],
  ])('when the environment is %j, then it throws one line naming the variable', (env, message) => {
    expect(() => parseSandboxEnv(env)).toThrow(ConfigError);
    expect(() => parseSandboxEnv(env)).toThrow(message);
  });

  it('when SANDBOX_EVENTS names a configured app, then its target is parsed', () => {
    const config = parseSandboxEnv({
      WECHAT_APPS: 'wx1:a',
      SANDBOX_EVENTS: '{"wx1":{"url":"http://127.0.0.1:3000/wechat/events","token":"tok123"}}',
    });

    expect(config.eventTargets).toEqual({
      wx1: { url: 'http://127.0.0.1:3000/wechat/events', token: 'tok123' },
    });
  });

  it('when SANDBOX_COMPONENTS lists a component, then it is parsed with its push URL and ticket interval', () => {
    const component = {
      componentAppId: 'wxcomponent0001',
      componentSecret: 'secret',
      token: 'tok',
      encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
      authEventUrl: 'http://127.0.0.1:3000/wechat/component/wxcomponent0001',
      ticketIntervalS: 600,
    };
    const config = parseSandboxEnv({
      WECHAT_APPS: 'wx1:s1',
      SANDBOX_COMPONENTS: JSON.stringify([component]),
    });

    expect(config.components).toEqual([component]);
  });

  it('when a SANDBOX_COMPONENTS entry has a short key, then the error names the variable and the entry', () => {
    const bad = JSON.stringify([
      { componentAppId: 'wxc', componentSecret: 's', token: 't', encodingAesKey: 'short' },
    ]);

    expect(() => parseSandboxEnv({ WECHAT_APPS: 'wx1:s1', SANDBOX_COMPONENTS: bad })).toThrow(
      'config error: SANDBOX_COMPONENTS: [0]: encodingAesKey must be 43 letters and digits',
    );
  });
});
