import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  startPrivateSentinelSet,
  waitFor,
  type PrivateSentinelSet,
} from '@wechat-dispatch/testkit';
import { startStack, templateBody, type Stack } from './helpers/stack';

const APP = { appId: 'wxsentinel0000001', appSecret: 'sentinel-secret-0001' };

describe('behind Redis Sentinel (primary + one replica)', () => {
  let set: PrivateSentinelSet;
  let stack: Stack;

  beforeAll(async () => {
    set = await startPrivateSentinelSet();
    stack = await startStack({
      apps: [APP],
      commonEnv: {
        REDIS_SENTINELS: `127.0.0.1:${set.sentinelPort}`,
        REDIS_SENTINEL_NAME: set.name,
      },
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await set?.destroy();
  });

  it('when messages are sent through Sentinel, then they end sent', async () => {
    const ids = await stack.postMany(
      Array.from({ length: 50 }, (_, i) => templateBody(`oSentinel${i}`)),
    );

    const records = await stack.waitForStatus(ids, ['sent']);

    expect(records).toHaveLength(50);
  });

  it('when the primary is killed, then Sentinel promotes the replica and api and worker carry on without a restart', async () => {
    await set.primary.stop('SIGKILL');
    await waitFor(async () => (await set.currentPrimaryPort()) === set.replica.port, {
      timeoutMs: 30000,
      description: 'Sentinel to promote the replica',
    });
    const started = Date.now();
    // The API answers 503 until its connection finds the new primary; a caller retries.
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) {
      const id = await waitFor(
        async () => {
          const res = await stack.post(templateBody(`oFailover${i}`));
          return res.status === 202 ? ((await res.json()) as { id: string }).id : undefined;
        },
        { timeoutMs: 30000, intervalMs: 200, description: 'the API to accept again' },
      );
      ids.push(id);
    }
    const records = await stack.waitForStatus(ids, ['sent'], 60000);
    console.info(
      `sentinel: failover handled; 50 messages accepted and sent ${Date.now() - started} ms after promotion`,
    );

    expect(records.every((r) => r.status === 'sent')).toBe(true);
    expect(stack.workers[0]!.child.exitCode).toBeNull();
    expect(stack.api.child.exitCode).toBeNull();
  });
});
