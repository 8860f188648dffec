import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './ports';
import { startPrivateRedis, type PrivateRedis } from './redis-server';
import { waitFor } from './wait-for';

/** A primary, one replica and one Sentinel watching them, all private. */
export interface PrivateSentinelSet {
  primary: PrivateRedis;
  replica: PrivateRedis;
  sentinelPort: number;
  /** The name Sentinel monitors (REDIS_SENTINEL_NAME). */
  name: string;
  /** The port of the node Sentinel currently names as primary. */
  currentPrimaryPort(): Promise<number>;
  destroy(): Promise<void>;
}

/**
 * Starts a primary, a replica of it and a Sentinel (quorum 1, down after 1 s) on free ports.
 * Needs redis-server on PATH (`redis-server <conf> --sentinel` needs no separate binary).
 */
export async function startPrivateSentinelSet(name = 'wxdprimary'): Promise<PrivateSentinelSet> {
  const primary = await startPrivateRedis();
  const replica = await startPrivateRedis({
    args: ['--replicaof', '127.0.0.1', String(primary.port)],
  });
  const sentinelPort = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'wxd-sentinel-'));
  const conf = path.join(dir, 'sentinel.conf');
  writeFileSync(
    conf,
    [
      `port ${sentinelPort}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      `sentinel monitor ${name} 127.0.0.1 ${primary.port} 1`,
      `sentinel down-after-milliseconds ${name} 1000`,
      `sentinel failover-timeout ${name} 5000`,
      `sentinel parallel-syncs ${name} 1`,
      '',
    ].join('\n'),
  );
  const sentinel: ChildProcess = spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' });
  const ask = async <T>(fn: (client: Redis) => Promise<T>, port = sentinelPort): Promise<T> => {
    const client = new Redis({
      port,
      host: '127.0.0.1',
      maxRetriesPerRequest: 1,
      retryStrategy: () => null,
      lazyConnect: true,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return await fn(client);
    } finally {
      client.disconnect();
    }
  };
  const currentPrimaryPort = async () => {
    const reply = (await ask((c) => c.call('SENTINEL', 'get-master-addr-by-name', name))) as [
      string,
      string,
    ];
    return Number(reply[1]);
  };
  await waitFor(async () => (await currentPrimaryPort()) === primary.port, {
    timeoutMs: 10000,
    description: 'Sentinel to watch the primary',
  });
  await waitFor(
    async () => /master_link_status:up/.test(await ask((c) => c.info('replication'), replica.port)),
    { timeoutMs: 10000, description: 'the replica to sync' },
  );
  await waitFor(
    async () => {
      const replicas = (await ask((c) => c.call('SENTINEL', 'replicas', name))) as unknown[];
      return replicas.length > 0;
    },
    { timeoutMs: 15000, description: 'Sentinel to discover the replica' },
  );
  return {
    primary,
    replica,
    sentinelPort,
    name,
    currentPrimaryPort,
    async destroy() {
      sentinel.kill('SIGKILL');
      await Promise.all([primary.destroy(), replica.destroy()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
