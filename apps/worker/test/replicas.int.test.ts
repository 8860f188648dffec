import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { TEST_REDIS_URL, waitFor } from '@wechat-dispatch/testkit';
import { maxInWindow } from './helpers/windows';
import { API_KEY, startStack, templateBody, type Stack } from './helpers/stack';

const APP = { appId: 'wxreplica00000001', appSecret: 'replica-secret-0001' };
const LIMITED_KEY = 'replica-limited-key-0001';

describe('3 api replicas × 4 workers', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      apps: [APP],
      apis: 3,
      workers: 4,
      apiEnv: {
        API_KEYS: `tests:${API_KEY},limited:${LIMITED_KEY}`,
        API_RATE_LIMIT_PER_MIN: '300',
      },
      workerEnv: { WECHAT_RATE_LIMIT_PER_SEC: '25', WORKER_CONCURRENCY: '20' },
    });
  });

  afterAll(async () => {
    await stack?.stop();
    const redis = new Redis(TEST_REDIS_URL);
    const keys = await redis.keys(`{${stack.prefix}}*`);
    if (keys.length > 0) {
      await redis.del(...keys);
    }
    await redis.quit();
  });

  it('when one caller sends 330 requests spread over the replicas, then exactly 300 pass the per-key limit', async () => {
    const statuses = await Promise.all(
      Array.from({ length: 330 }, () =>
        fetch(`${stack.nextApiUrl()}/v1/messages/m000000000000000000000000`, {
          headers: { authorization: `Bearer ${LIMITED_KEY}` },
        }).then((r) => r.status),
      ),
    );
    const limited = statuses.filter((s) => s === 429).length;
    console.info(
      `replicas: ${statuses.length - limited} passed, ${limited} answered 429 (limit 300/min per key)`,
    );

    expect(limited).toBe(30);
    expect(statuses.filter((s) => s === 404)).toHaveLength(300);
  });

  it('when 30 requests with one Idempotency-Key hit different replicas at once, then one message is sent', async () => {
    const responses = await Promise.all(
      Array.from({ length: 30 }, () =>
        fetch(`${stack.nextApiUrl()}/v1/messages`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${API_KEY}`,
            'content-type': 'application/json',
            'idempotency-key': 'replica-key-1',
          },
          body: JSON.stringify(templateBody('oReplicaIdem')),
        }),
      ),
    );
    const ids = await Promise.all(
      responses.map(async (r) => ((await r.json()) as { id: string }).id),
    );
    await stack.waitForStatus([ids[0]!], ['sent']);

    expect(new Set(ids).size).toBe(1);
    expect(responses.filter((r) => r.status === 202)).toHaveLength(1);
    expect(stack.sandbox.messages({ touser: 'oReplicaIdem' })).toHaveLength(1);
  });

  it('when 150 messages drain through 4 workers capped at 25/s, then WeChat never sees more than 25 in a second and the app fetched one token', async () => {
    const ids = await stack.postMany(
      Array.from({ length: 150 }, (_, i) => templateBody(`oReplica${i}`)),
    );

    // Wait at the sandbox, not through the API: polling 150 records would hit the 300/min limit.
    await waitFor(() => stack.sandbox.stats().deliveriesByApp[APP.appId]! >= ids.length + 1, {
      timeoutMs: 60000,
      description: '150 deliveries',
    });
    const times = stack.sandbox.messages({ appid: APP.appId }).map((m) => Date.parse(m.at));
    const peak = maxInWindow(times, 1000);
    const tokenCalls = stack.sandbox.stats().tokenCalls[APP.appId];
    console.info(
      `replicas: ${times.length} deliveries, peak ${peak} in any 1 s window (cap 25), token calls ${JSON.stringify(tokenCalls)}`,
    );

    expect(peak).toBeLessThanOrEqual(25);
    expect((tokenCalls?.stable_token ?? 0) + (tokenCalls?.token ?? 0)).toBe(1);
  });
});
