import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { bearer, ORDERS_KEY, startTestApi, type TestApi } from './helpers/test-api';
import { templateBody } from './helpers/messages';

/* `sendAt` within SEND_AT_MAX_DAYS, `expiresAt` / `ttlSeconds` (#17 items 2 and 4), real Redis. */

const DAY_MS = 24 * 3600 * 1000;
const inDays = (days: number) => new Date(Date.now() + days * DAY_MS).toISOString();

interface Answer {
  id?: string;
  status?: string;
  error?: { code: string; details?: Array<{ path: string; message: string }> };
}

describe('message times', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi({ sendAtMaxDays: 30, recordTtlSeconds: 7 * 24 * 3600 });
  });

  afterAll(async () => {
    await api?.close();
  });

  const post = (body: Record<string, unknown>, path = '/v1/messages') =>
    request(api.app).post(path).set(bearer(ORDERS_KEY)).send(body);

  const keysBefore = async () => (await api.redis.keys(`${api.keyspace.root}:msg:*`)).length;

  it.each<[string, Record<string, unknown>, string]>([
    ['sendAt 31 days ahead', { sendAt: inDays(31) }, 'sendAt'],
    ['an expiresAt already past', { expiresAt: inDays(-0.01) }, 'expiresAt'],
    ['an expiresAt before its sendAt', { sendAt: inDays(2), expiresAt: inDays(1) }, 'expiresAt'],
    ['both expiresAt and ttlSeconds', { expiresAt: inDays(1), ttlSeconds: 60 }, 'ttlSeconds'],
    ['a ttlSeconds ending before its sendAt', { sendAt: inDays(1), ttlSeconds: 60 }, 'ttlSeconds'],
    ['a ttlSeconds of 0', { ttlSeconds: 0 }, 'ttlSeconds'],
  ])(
    'when a message has %s, then it is a 400 naming the field and nothing is stored',
    async (_n, extra, path) => {
      const before = await keysBefore();

      const res = await post(templateBody(extra));

      expect(res.status).toBe(400);
      expect((res.body as Answer).error).toMatchObject({
        code: 'validation_failed',
        details: [expect.objectContaining({ path })],
      });
      expect(await keysBefore()).toBe(before);
    },
  );

  it('when one message of a batch is scheduled too far ahead, then the 400 names messages[1].sendAt and nothing is enqueued', async () => {
    const before = await keysBefore();

    const res = await post(
      { messages: [templateBody(), templateBody({ sendAt: inDays(45) })] },
      '/v1/messages/batch',
    );

    expect(res.status).toBe(400);
    expect((res.body as Answer).error?.details?.[0]?.path).toBe('messages[1].sendAt');
    expect(await keysBefore()).toBe(before);
  });

  it('when a message is scheduled 8 days ahead, then it is accepted and its record lives the retention after its sendAt', async () => {
    const res = await post(templateBody({ sendAt: inDays(8) }));

    expect(res.status).toBe(202);
    expect((res.body as Answer).status).toBe('scheduled');
    const ttl = await api.redis.ttl(`${api.keyspace.root}:msg:${(res.body as Answer).id}`);
    expect(ttl).toBeGreaterThan(15 * 24 * 3600 - 60);
  });

  it('when a message has ttlSeconds, then its record carries the expiresAt it means', async () => {
    const before = Date.now();
    const res = await post(templateBody({ ttlSeconds: 600 }));

    expect(res.status).toBe(202);
    const got = await request(api.app)
      .get(`/v1/messages/${(res.body as Answer).id}`)
      .set(bearer(ORDERS_KEY));
    const expiresAt = Date.parse((got.body as { expiresAt: string }).expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 600_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 600_000);
    expect(got.body).not.toHaveProperty('ttlSeconds');
  });
});
