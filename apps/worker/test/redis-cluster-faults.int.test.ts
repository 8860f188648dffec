import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Cluster } from 'ioredis';
import {
  startPrivateCluster,
  type PrivateCluster,
  type PrivateRedis,
} from '@wechat-dispatch/testkit';
import { API_KEY, startStack, templateBody, type Stack } from './helpers/stack';

const APP = { appId: 'wxclusterfault0001', appSecret: 'cluster-fault-secret1' };

interface Sample {
  at: number;
  status: number;
  ms: number;
}

async function timed(call: () => Promise<Response>): Promise<Sample> {
  const started = performance.now();
  const res = await call();
  await res.arrayBuffer();
  return { at: performance.now(), status: res.status, ms: performance.now() - started };
}

/** The primary that serves `key`'s slot. */
async function slotOwner(cluster: PrivateCluster, key: string): Promise<PrivateRedis> {
  const client = new Cluster(
    cluster.nodes.map((n) => ({ host: '127.0.0.1', port: n.port })),
    { lazyConnect: false },
  );
  try {
    const slot = (await client.call('CLUSTER', 'KEYSLOT', key)) as number;
    const ranges = (await client.call('CLUSTER', 'SLOTS')) as Array<
      [number, number, [string, number]]
    >;
    const [, , [, port]] = ranges.find(([from, to]) => slot >= from && slot <= to)!;
    return cluster.nodes.find((n) => n.port === port)!;
  } finally {
    client.disconnect();
  }
}

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

/**
 * Issue #17 item 8: with the primary that owns the service's hash-tag slot down, `/readyz`
 * said 200 (a key-less PING reached a live node) and each POST took seconds to get its 503.
 */
describe('a Redis Cluster whose slot owner goes away (issue #17, item 8)', () => {
  let cluster: PrivateCluster;
  let stack: Stack;
  const headers = { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' };

  beforeAll(async () => {
    cluster = await startPrivateCluster(3);
    stack = await startStack({
      apps: [APP],
      commonEnv: { REDIS_CLUSTER_NODES: cluster.nodeList },
      workerEnv: { SEND_BACKOFF_MS: '50' },
    });
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
    await cluster?.destroy();
  });

  it('when the slot owner is SIGTERMed for 3 s, then /readyz and every POST answer 503 throughout and what was accepted before is sent after it rejoins', async () => {
    stack.sandbox.addFault({ match: { api: 'template' }, times: 'always', action: { hang: true } });
    const accepted = await stack.postMany(
      Array.from({ length: 20 }, (_, i) => templateBody(`oClusterFault${i}`, APP.appId)),
    );
    const owner = await slotOwner(cluster, `{${stack.prefix}}`);
    const readyz = () => fetch(`${stack.apiUrl}/readyz`);
    const post = () =>
      fetch(`${stack.apiUrl}/v1/messages`, {
        method: 'POST',
        headers,
        body: JSON.stringify(templateBody('oClusterFaultDown', APP.appId)),
      });

    await owner.stop('SIGTERM');
    const down = performance.now();
    const ready: Sample[] = [];
    const posts: Sample[] = [];
    while (performance.now() - down < 3000) {
      ready.push(await timed(readyz));
      posts.push(await timed(post));
    }
    await owner.start();
    stack.sandbox.clearFaults();
    const records = await stack.waitForStatus(accepted, ['sent'], 90_000);

    const firstReady = ready[0]!;
    console.info(
      `cluster slot owner down 3 s: /readyz ${ready.length} answers (${ready.filter((s) => s.status === 503).length} × 503), first at ${(firstReady.at - down).toFixed(0)} ms after the stop, latency median ${pct(
        ready.map((s) => s.ms),
        50,
      ).toFixed(
        1,
      )} / max ${Math.max(...ready.map((s) => s.ms)).toFixed(1)} ms; POST ${posts.length} answers (${posts.filter((s) => s.status === 503).length} × 503), latency median ${pct(
        posts.map((s) => s.ms),
        50,
      ).toFixed(
        1,
      )} / max ${Math.max(...posts.map((s) => s.ms)).toFixed(1)} ms; ${records.length} of ${accepted.length} accepted before were sent after`,
    );
    expect(ready.every((s) => s.status === 503)).toBe(true);
    expect(posts.every((s) => s.status === 503)).toBe(true);
    expect(records.every((r) => r.status === 'sent')).toBe(true);
  }, 150_000);
});
