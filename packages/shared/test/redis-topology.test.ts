import { describe, expect, it } from '@jest/globals';
import { Cluster, Redis } from 'ioredis';
import type { ConfigError } from '../src/config/parse-env';
import { parseEnv } from '../src/config/parse-env';
import { createRedis } from '../src/redis/create-redis';
import { describeTopology, redisTopologyEnv } from '../src/redis/redis-topology';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    parseEnv(redisTopologyEnv, env);
    return [];
  } catch (err) {
    return (err as ConfigError).problems;
  }
}

describe('redisTopologyEnv', () => {
  it('when nothing is set, then it is the single Redis on 127.0.0.1:6379', () => {
    expect(parseEnv(redisTopologyEnv, {})).toEqual({
      kind: 'single',
      url: 'redis://127.0.0.1:6379',
    });
  });

  it('when REDIS_CLUSTER_NODES is set, then it is a cluster of those nodes with the password', () => {
    const topology = parseEnv(redisTopologyEnv, {
      REDIS_CLUSTER_NODES: '10.0.0.1:7000, 10.0.0.2:7001,[::1]:7002',
      REDIS_PASSWORD: 'pw',
    });

    expect(topology).toEqual({
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
        { host: '::1', port: 7002 },
      ],
      password: 'pw',
      tls: false,
    });
    expect(describeTopology(topology)).toBe('cluster 10.0.0.1:7000,10.0.0.2:7001,::1:7002');
  });

  it('when REDIS_SENTINELS and REDIS_SENTINEL_NAME are set, then it is a sentinel topology', () => {
    expect(
      parseEnv(redisTopologyEnv, {
        REDIS_SENTINELS: 's1:26379',
        REDIS_SENTINEL_NAME: 'mymaster',
        REDIS_TLS: 'true',
      }),
    ).toEqual({
      kind: 'sentinel',
      sentinels: [{ host: 's1', port: 26379 }],
      name: 'mymaster',
      password: undefined,
      sentinelPassword: undefined,
      tls: true,
    });
  });

  it.each([
    [{ REDIS_SENTINELS: 's1:26379' }, 'REDIS_SENTINEL_NAME'],
    [{ REDIS_CLUSTER_NODES: 'nohostport' }, 'REDIS_CLUSTER_NODES'],
    [
      { REDIS_CLUSTER_NODES: 'a:1', REDIS_SENTINELS: 'b:2', REDIS_SENTINEL_NAME: 'm' },
      'REDIS_CLUSTER_NODES',
    ],
    [{ REDIS_URL: 'http://x' }, 'REDIS_URL'],
  ])('when the environment is %j, then the error names %s', (env, variable) => {
    const problems = problemsOf(env);

    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toContain(variable);
  });

  it('when a single URL carries a password, then the description hides it', () => {
    expect(describeTopology({ kind: 'single', url: 'redis://user:secret@redis:6379' })).toBe(
      'single redis://redis:6379',
    );
  });
});

describe('createRedis', () => {
  it('when given each topology, then it builds the matching ioredis client without connecting', () => {
    const single = createRedis('redis://127.0.0.1:1', 'producer');
    const cluster = createRedis(
      { kind: 'cluster', nodes: [{ host: '127.0.0.1', port: 1 }], tls: false },
      'consumer',
    );
    const sentinel = createRedis(
      { kind: 'sentinel', sentinels: [{ host: '127.0.0.1', port: 1 }], name: 'm', tls: false },
      'client',
    );

    expect(single).toBeInstanceOf(Redis);
    expect(single.status).toBe('wait');
    expect(cluster).toBeInstanceOf(Cluster);
    expect((cluster as Cluster).options.enableOfflineQueue).toBe(true);
    expect((cluster as Cluster).options.redisOptions?.maxRetriesPerRequest).toBeNull();
    expect(sentinel).toBeInstanceOf(Redis);
    expect((sentinel as Redis).options.sentinels).toEqual([{ host: '127.0.0.1', port: 1 }]);
    // Off by measurement (see RedisProfile): turning it on needs new numbers, not just a flag.
    expect(single.options.enableAutoPipelining).toBe(false);
    expect((cluster as Cluster).options.enableAutoPipelining).toBe(false);
    expect((sentinel as Redis).options.enableAutoPipelining).toBe(false);
    [single, cluster, sentinel].forEach((c) => c.disconnect());
  });
});
