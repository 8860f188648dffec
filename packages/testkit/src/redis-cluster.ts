import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { startPrivateRedis, type PrivateRedis } from './redis-server';
import { waitFor } from './wait-for';

const run = promisify(execFile);

/** A private Redis Cluster of `masters` primaries on free ports. */
export interface PrivateCluster {
  nodes: PrivateRedis[];
  /** `host:port,host:port,…`, the value of REDIS_CLUSTER_NODES. */
  nodeList: string;
  destroy(): Promise<void>;
}

/**
 * Starts `masters` cluster-enabled redis-servers (AOF, noeviction) and joins them with
 * `redis-cli --cluster create`, then waits until every node reports `cluster_state:ok`.
 * Needs redis-server and redis-cli on PATH.
 */
export async function startPrivateCluster(masters = 3): Promise<PrivateCluster> {
  const nodes = await Promise.all(
    Array.from({ length: masters }, () =>
      startPrivateRedis({
        args: [
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          'nodes.conf',
          '--cluster-node-timeout',
          '5000',
        ],
      }),
    ),
  );
  const addresses = nodes.map((n) => `127.0.0.1:${n.port}`);
  await run('redis-cli', [
    '--cluster',
    'create',
    ...addresses,
    '--cluster-replicas',
    '0',
    '--cluster-yes',
  ]);
  await waitFor(
    async () => {
      const states = await Promise.all(
        nodes.map(async (n) => {
          const client = new Redis(n.url, { maxRetriesPerRequest: 1 });
          try {
            return /cluster_state:ok/.test((await client.call('CLUSTER', 'INFO')) as string);
          } finally {
            client.disconnect();
          }
        }),
      );
      return states.every(Boolean);
    },
    { timeoutMs: 20000, description: 'the cluster to report ok' },
  );
  return {
    nodes,
    nodeList: addresses.join(','),
    async destroy() {
      await Promise.all(nodes.map((n) => n.destroy()));
    },
  };
}
