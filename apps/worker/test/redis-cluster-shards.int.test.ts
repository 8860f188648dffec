import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { startPrivateCluster, waitFor, type PrivateCluster } from '@wechat-dispatch/testkit';
import { startStack, templateBody, type Stack, type TestApp } from './helpers/stack';

const APPS: TestApp[] = Array.from({ length: 100 }, (_, i) => ({
  appId: `wxshard${String(i).padStart(11, '0')}`,
  appSecret: `shard-secret-${String(i).padStart(4, '0')}`,
}));
const SEND_SHARDS = 6;
const MESSAGES_PER_APP = 10;

/** The calls of every command since the last CONFIG RESETSTAT, from `INFO commandstats`. */
async function commandCalls(url: string): Promise<number> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    const info = await client.info('commandstats');
    return [...info.matchAll(/^cmdstat_[^:]+:calls=(\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
  } finally {
    client.disconnect();
  }
}

async function resetStats(url: string): Promise<void> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    await client.config('RESETSTAT');
  } finally {
    client.disconnect();
  }
}

describe(`on a 3-primary Redis Cluster with SEND_SHARDS=${SEND_SHARDS} (api + 2 workers, 100 apps)`, () => {
  let cluster: PrivateCluster;
  let stack: Stack;

  beforeAll(async () => {
    cluster = await startPrivateCluster(3);
    stack = await startStack({
      apps: APPS,
      workers: 2,
      commonEnv: { REDIS_CLUSTER_NODES: cluster.nodeList, SEND_SHARDS: String(SEND_SHARDS) },
      workerEnv: { SEND_BACKOFF_MS: '50', WORKER_CONCURRENCY: '60' },
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await cluster?.destroy();
  });

  it('when 1,000 messages over 100 apps are drained, then every primary serves Redis commands and none more than 45 % of them', async () => {
    await Promise.all(cluster.nodes.map((node) => resetStats(node.url)));

    const ids = await stack.postMany(
      APPS.flatMap((app, a) =>
        Array.from({ length: MESSAGES_PER_APP }, (_, i) =>
          templateBody(`oShard${String(a).padStart(3, '0')}x${i}`, app.appId),
        ),
      ),
    );
    // Waiting on the in-process sandbox costs no Redis command; polling the records from the
    // start would add commands in proportion to how slow the machine is (one GET per record
    // per round), so they are read only once nearly all are sent.
    await waitFor(
      () => Promise.resolve(stack.sandbox.stats().deliveries >= ids.length || undefined),
      {
        intervalMs: 20,
        timeoutMs: 120000,
        description: 'every message to reach WeChat',
      },
    );
    const records = await stack.waitForStatus(ids, ['sent'], 120000);
    const calls = await Promise.all(cluster.nodes.map((node) => commandCalls(node.url)));
    const total = calls.reduce((a, b) => a + b, 0);
    const shares = calls.map((n) => n / total);
    console.info(
      `cluster shards: ${ids.length} sent over ${APPS.length} apps, SEND_SHARDS=${SEND_SHARDS}; Redis commands per primary ${calls
        .map((n, i) => `node${i} ${n} (${(100 * shares[i]!).toFixed(1)} %)`)
        .join(', ')}`,
    );

    expect(records.every((r) => r.status === 'sent')).toBe(true);
    expect(new Set(ids.map((id) => id[0])).size).toBe(2);
    expect(stack.sandbox.stats().deliveries).toBe(ids.length);
    expect(shares.every((share) => share > 0)).toBe(true);
    expect(Math.max(...shares)).toBeLessThanOrEqual(0.45);
  });
});
