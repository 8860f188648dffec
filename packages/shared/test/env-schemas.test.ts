import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import type { ConfigError } from '../src/config/parse-env';
import { parseEnv } from '../src/config/parse-env';
import {
  apiKeysEnv,
  intEnv,
  queuePrefixEnv,
  wechatAppsEnv,
  weakApiKeyWarnings,
} from '../src/config/env-schemas';

const schema = z.object({
  WECHAT_APPS: wechatAppsEnv,
  API_KEYS: apiKeysEnv,
  QUEUE_PREFIX: queuePrefixEnv,
  WORKER_CONCURRENCY: intEnv(50, 1, 100),
});

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    parseEnv(schema, env);
    return [];
  } catch (err) {
    return (err as ConfigError).problems;
  }
}

describe('parseEnv', () => {
  it('when every variable is good, then it returns typed values with defaults', () => {
    const config = parseEnv(schema, {
      WECHAT_APPS: 'wx1:s1,wx2:s:2',
      API_KEYS: 'orders:orders-key-000001',
    });

    expect(config).toEqual({
      WECHAT_APPS: [
        { appId: 'wx1', appSecret: 's1' },
        { appId: 'wx2', appSecret: 's:2' },
      ],
      API_KEYS: [{ name: 'orders', key: 'orders-key-000001' }],
      QUEUE_PREFIX: 'wxd',
      WORKER_CONCURRENCY: 50,
    });
  });

  it('when required variables are missing, then there is one line per variable naming it', () => {
    const problems = problemsOf({});

    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^config error: WECHAT_APPS: /);
    expect(problems[1]).toMatch(/^config error: API_KEYS: /);
  });

  it.each([
    [{ WECHAT_APPS: 'wx1', API_KEYS: 'a:key-a-000001' }, 'WECHAT_APPS'],
    [{ WECHAT_APPS: 'wx1:a,wx1:b', API_KEYS: 'a:key-a-000001' }, 'WECHAT_APPS'],
    [{ WECHAT_APPS: 'wx1:a', API_KEYS: 'a:shared-key-01,b:shared-key-01' }, 'API_KEYS'],
    [
      { WECHAT_APPS: 'wx1:a', API_KEYS: 'a:key-a-000001', QUEUE_PREFIX: 'has{brace}' },
      'QUEUE_PREFIX',
    ],
    [
      { WECHAT_APPS: 'wx1:a', API_KEYS: 'a:key-a-000001', WORKER_CONCURRENCY: '0' },
      'WORKER_CONCURRENCY',
    ],
    [
      { WECHAT_APPS: 'wx1:a', API_KEYS: 'a:key-a-000001', WORKER_CONCURRENCY: 'many' },
      'WORKER_CONCURRENCY',
    ],
  ])('when the environment is %j, then the error names %s', (env, variable) => {
    const problems = problemsOf(env);

    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(variable);
  });
});

describe('API_KEYS (issue #18)', () => {
  it('when an entry carries an app list, then the caller is scoped to those apps; without one, to every app', () => {
    expect(
      apiKeysEnv.parse('orders:orders-key-000001:wx1|wx2,ops:ops-key-0000001,odd:has:colon.key.01'),
    ).toEqual([
      { name: 'orders', key: 'orders-key-000001', appIds: ['wx1', 'wx2'] },
      { name: 'ops', key: 'ops-key-0000001' },
      { name: 'odd', key: 'has:colon.key.01' },
    ]);
  });

  it('when a key is shorter than 8 characters, then start-up fails naming API_KEYS and the caller, never the key', () => {
    const problems = problemsOf({
      WECHAT_APPS: 'wx1:a',
      API_KEYS: 'orders:orders-key-000001,tiny:k3y0',
    });

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^config error: API_KEYS: .*caller tiny.*shorter than 8/);
    expect(problems[0]).not.toContain('k3y0');
  });

  it('when a key is shorter than 24 characters, then there is one warning naming the caller, never the key', () => {
    const warnings = weakApiKeyWarnings(
      apiKeysEnv.parse('short:only-12-chars,long:a-key-of-thirty-two-characters!'),
    );

    expect(warnings).toEqual([
      'API_KEYS: the key of caller short is shorter than 24 characters; use a long random key',
    ]);
  });
});
