import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startPrivateCluster, waitFor, type PrivateCluster } from '@wechat-dispatch/testkit';
import { API_KEY, startStack, templateBody, type Stack } from './helpers/stack';

const APP = { appId: 'wxcluster000000001', appSecret: 'cluster-secret-0001' };

interface HistoryLine {
  event: string;
}

describe('on a 3-primary Redis Cluster (api + 2 workers)', () => {
  let cluster: PrivateCluster;
  let stack: Stack;
  const headers = { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' };

  beforeAll(async () => {
    cluster = await startPrivateCluster(3);
    stack = await startStack({
      apps: [APP],
      workers: 2,
      commonEnv: { REDIS_CLUSTER_NODES: cluster.nodeList },
      workerEnv: { SEND_BACKOFF_MS: '50', WORKER_CONCURRENCY: '20' },
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await cluster?.destroy();
  });

  it('when 200 messages are sent by two workers, then all end sent with one token fetch for the app', async () => {
    const ids = await stack.postMany(
      Array.from({ length: 200 }, (_, i) => templateBody(`oCluster${i}`)),
    );

    const records = await stack.waitForStatus(ids, ['sent']);
    const tokenCalls = stack.sandbox.stats().tokenCalls[APP.appId];
    console.info(
      `cluster: 200 sent, token calls ${JSON.stringify(tokenCalls)}, deliveries ${stack.sandbox.stats().deliveries}`,
    );

    expect(records).toHaveLength(200);
    expect((tokenCalls?.stable_token ?? 0) + (tokenCalls?.token ?? 0)).toBe(1);
    expect(stack.workers.every((w) => w.stdout.some((l) => l.includes('"redis":"cluster')))).toBe(
      true,
    );
  });

  it('when WeChat answers -1 once, then the message is retried and sent', async () => {
    stack.sandbox.addFault({
      match: { api: 'template', touser: 'oClusterRetry' },
      times: 1,
      action: { errcode: -1 },
    });

    const [id] = await stack.postMany([templateBody('oClusterRetry')]);
    const [record] = await stack.waitForStatus([id!], ['sent', 'dead']);

    expect(record).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('when a message is dead-lettered and redriven, then it is listed, redriven once and sent', async () => {
    stack.sandbox.addFault({
      match: { api: 'template', touser: 'oClusterDead' },
      times: 1,
      action: { errcode: 40003 },
    });
    const [id] = await stack.postMany([templateBody('oClusterDead')]);
    await stack.waitForStatus([id!], ['dead']);

    const listed = (await (await fetch(`${stack.apiUrl}/v1/dead-letters`, { headers })).json()) as {
      items: Array<{ id: string }>;
    };
    const redrive = await fetch(`${stack.apiUrl}/v1/dead-letters/${id}/redrive`, {
      method: 'POST',
      headers,
    });
    const again = await fetch(`${stack.apiUrl}/v1/dead-letters/${id}/redrive`, {
      method: 'POST',
      headers,
    });
    const [record] = await stack.waitForStatus([id!], ['sent']);

    expect(listed.items.map((r) => r.id)).toContain(id);
    expect(redrive.status).toBe(202);
    expect(again.status).toBe(409);
    expect((record!.history as HistoryLine[]).map((h) => h.event)).toContain('redriven');
    expect(stack.sandbox.messages({ touser: 'oClusterDead' })).toHaveLength(1);
  });

  it('when the same Idempotency-Key is posted twice, then one message exists', async () => {
    const post = () =>
      fetch(`${stack.apiUrl}/v1/messages`, {
        method: 'POST',
        headers: { ...headers, 'idempotency-key': 'cluster-idem-1' },
        body: JSON.stringify(templateBody('oClusterIdem')),
      });

    const first = await post();
    const second = await post();
    const a = (await first.json()) as { id: string };
    const b = (await second.json()) as { id: string };
    await stack.waitForStatus([a.id], ['sent']);

    expect(first.status).toBe(202);
    expect(second.status).toBe(200);
    expect(b.id).toBe(a.id);
    expect(stack.sandbox.messages({ touser: 'oClusterIdem' })).toHaveLength(1);
  });

  it('when a message is scheduled 2 s ahead, then it is not sent before sendAt and is sent after', async () => {
    const sendAt = new Date(Date.now() + 2000);
    const res = await stack.post({
      ...templateBody('oClusterLater'),
      sendAt: sendAt.toISOString(),
    });
    const { id, status } = (await res.json()) as { id: string; status: string };

    const [record] = await stack.waitForStatus([id], ['sent']);
    const deliveredAt = Date.parse(stack.sandbox.messages({ touser: 'oClusterLater' })[0]!.at);

    expect(status).toBe('scheduled');
    expect(record!.status).toBe('sent');
    expect(deliveredAt).toBeGreaterThanOrEqual(sendAt.getTime() - 5);
  });

  it('when the cluster keys are listed, then every key of the stack shares one hash tag', async () => {
    const keys = await waitFor(async () => {
      const { Cluster } = await import('ioredis');
      const client = new Cluster(
        cluster.nodeList
          .split(',')
          .map((a) => ({ host: '127.0.0.1', port: Number(a.split(':')[1]) })),
      );
      try {
        await client.ping();
        const all: string[] = [];
        for (const node of client.nodes('master')) {
          all.push(...(await node.keys('*')));
        }
        return all.length > 0 ? all : undefined;
      } finally {
        client.disconnect();
      }
    });

    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((k) => k.startsWith(`{${stack.prefix}}`))).toBe(true);
  });
});
