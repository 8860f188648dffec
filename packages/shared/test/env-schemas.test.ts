import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import type { ConfigError } from '../src/config/parse-env';
import { parseEnv } from '../src/config/parse-env';
import { apiKeysEnv, intEnv, queuePrefixEnv, wechatAppsEnv } from '../src/config/env-schemas';

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
    const config = parseEnv(schema, { WECHAT_APPS: 'wx1:s1,wx2:s:2', API_KEYS: 'orders:k1' });

    expect(config).toEqual({
      WECHAT_APPS: [
        { appId: 'wx1', appSecret: 's1' },
        { appId: 'wx2', appSecret: 's:2' },
      ],
      API_KEYS: [{ name: 'orders', key: 'k1' }],
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
    [{ WECHAT_APPS: 'wx1', API_KEYS: 'a:b' }, 'WECHAT_APPS'],
    [{ WECHAT_APPS: 'wx1:a,wx1:b', API_KEYS: 'a:b' }, 'WECHAT_APPS'],
    [{ WECHAT_APPS: 'wx1:a', API_KEYS: 'a:k,b:k' }, 'API_KEYS'],
    [{ WECHAT_APPS: 'wx1:a', API_KEYS: 'a:k', QUEUE_PREFIX: 'has{brace}' }, 'QUEUE_PREFIX'],
    [{ WECHAT_APPS: 'wx1:a', API_KEYS: 'a:k', WORKER_CONCURRENCY: '0' }, 'WORKER_CONCURRENCY'],
    [{ WECHAT_APPS: 'wx1:a', API_KEYS: 'a:k', WORKER_CONCURRENCY: 'many' }, 'WORKER_CONCURRENCY'],
  ])('when the environment is %j, then the error names %s', (env, variable) => {
    const problems = problemsOf(env);

    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(variable);
  });
});
