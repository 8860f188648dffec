import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  startPrivateRedis,
  uniquePrefix,
  waitFor,
  type PrivateRedis,
} from '@wechat-dispatch/testkit';
import { postJson, startApiProcess, type ApiProcess } from './helpers/processes';
import { templateBody } from './helpers/messages';

const APP_ID = 'wxredisdown000001';
const API_KEY = 'redis-down-key-0001';
const auth = { authorization: `Bearer ${API_KEY}` };

describe('the api process with Redis stopped', () => {
  let redis: PrivateRedis;
  let api: ApiProcess;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    api = await startApiProcess({
      REDIS_URL: redis.url,
      QUEUE_PREFIX: uniquePrefix('down'),
      WECHAT_APPS: `${APP_ID}:redis-down-secret-1`,
      API_KEYS: `orders:${API_KEY}`,
    });
  });

  afterAll(async () => {
    await api?.process.stop();
    await redis?.destroy();
  });

  it('when Redis stops, then POST answers 503 fast (never hangs, never 202), every write route too, and it recovers when Redis is back', async () => {
    const before = await postJson(`${api.url}/v1/messages`, templateBody(), auth);
    await redis.stop();

    const first = await postJson(`${api.url}/v1/messages`, templateBody(), auth);
    const samples = [];
    for (let i = 0; i < 10; i += 1) {
      samples.push(await postJson(`${api.url}/v1/messages`, templateBody(), auth));
    }
    const keyed = await postJson(`${api.url}/v1/messages`, templateBody(), {
      ...auth,
      'idempotency-key': 'down-1',
    });
    const batch = await postJson(
      `${api.url}/v1/messages/batch`,
      { messages: [templateBody()] },
      auth,
    );
    const compat = await postJson(
      `${api.url}/cgi-bin/message/template/send?access_token=${API_KEY}`,
      { touser: 'oDownUser00001', template_id: 'T1', data: { thing1: { value: 'a' } } },
    );
    const ready = await fetch(`${api.url}/readyz`);
    const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
    console.info(
      `Redis down: first POST ${first.status} in ${first.ms.toFixed(1)} ms; next 10: min ${ms[0]!.toFixed(1)} / median ${ms[5]!.toFixed(1)} / max ${ms[9]!.toFixed(1)} ms`,
    );
    await redis.start();
    const recovered = await waitFor(
      async () => {
        const res = await postJson(`${api.url}/v1/messages`, templateBody(), auth);
        return res.status === 202 ? res : undefined;
      },
      { timeoutMs: 15000, description: 'a 202 after Redis restarted' },
    );

    expect(before.status).toBe(202);
    expect(first.status).toBe(503);
    expect(first.body).toMatchObject({ error: { code: 'redis_unavailable' } });
    expect(first.headers.get('retry-after')).toBe('1');
    expect(first.ms).toBeLessThan(5000);
    expect(samples.every((s) => s.status === 503)).toBe(true);
    expect(ms[9]).toBeLessThan(5000);
    expect(keyed.status).toBe(503);
    expect(batch.status).toBe(503);
    expect(compat.status).toBe(200);
    expect(compat.body).toMatchObject({ errcode: -1 });
    expect(ready.status).toBe(503);
    expect(recovered.status).toBe(202);
  });
});
