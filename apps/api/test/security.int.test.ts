import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { uniquePrefix } from '@wechat-dispatch/testkit';
import { BILLING_KEY, ORDERS_KEY, bearer, startTestApi, type TestApi } from './helpers/test-api';
import { templateBody } from './helpers/messages';

describe('HTTP hardening', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi();
  });

  afterAll(async () => {
    await api.close();
  });

  it.each([['/healthz'], ['/nowhere'], ['/docs/']])(
    'when the page route %s is requested, then helmet’s headers are set and X-Powered-By is absent',
    async (path) => {
      const res = await request(api.app).get(path).set(bearer(ORDERS_KEY));

      expect(res.headers['x-powered-by']).toBeUndefined();
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['strict-transport-security']).toBeDefined();
    },
  );

  it.each([
    ['get', '/v1/messages/x'],
    ['post', '/v1/messages'],
    ['post', '/cgi-bin/message/template/send'],
  ] as const)(
    'when the JSON route %s %s answers, then it carries the REST security headers and nothing for pages',
    async (method, path) => {
      const res = await request(api.app)[method](path).set(bearer(ORDERS_KEY)).send({});

      expect(res.headers['x-powered-by']).toBeUndefined();
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toBe(
        "default-src 'none';frame-ancestors 'none'",
      );
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['strict-transport-security']).toBeDefined();
      expect(res.headers['x-xss-protection']).toBeUndefined();
      expect(res.headers['cross-origin-opener-policy']).toBeUndefined();
    },
  );

  it('when a route does not exist, then it answers 404 in the error shape', async () => {
    const res = await request(api.app).get('/v2/messages').set('X-Request-Id', 'req-404');

    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      error: { code: 'not_found', message: 'No such route', requestId: 'req-404' },
    });
  });

  it('when a caller sends no X-Request-Id, then one is made and echoed; a forged one is replaced', async () => {
    const made = await request(api.app).get('/healthz');
    const forged = await request(api.app)
      .get('/healthz')
      .set('X-Request-Id', 'bad id; level=error');

    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(forged.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('per-key rate limit', () => {
  const prefix = uniquePrefix('api-rl');
  let replicaA: TestApi;
  let replicaB: TestApi;

  beforeAll(async () => {
    replicaA = await startTestApi({ prefix, rateLimitPerMin: 5 });
    replicaB = await startTestApi({ prefix, rateLimitPerMin: 5 });
  });

  afterAll(async () => {
    await replicaA.close();
    await replicaB.close();
  });

  it('when one key sends more than the limit across two replicas, then the excess answers 429 with Retry-After and stores nothing', async () => {
    const post = (api: TestApi) =>
      request(api.app).post('/v1/messages').set(bearer(ORDERS_KEY)).send(templateBody());
    const allowed = [];
    for (const api of [replicaA, replicaB, replicaA, replicaB, replicaA]) {
      allowed.push((await post(api)).status);
    }
    const keysBefore = await replicaA.storedKeys();

    const limited = await post(replicaB);
    const limitedCompat = await request(replicaA.app)
      .post(`/cgi-bin/message/template/send?access_token=${ORDERS_KEY}`)
      .send({ touser: 'oWeChatUser0001', template_id: 'T1', data: { thing1: { value: 'a' } } });
    const keysAfter = await replicaA.storedKeys();
    const otherCaller = await request(replicaB.app)
      .post('/v1/messages')
      .set(bearer(BILLING_KEY))
      .send(templateBody());

    expect(allowed).toEqual([202, 202, 202, 202, 202]);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ error: { code: 'rate_limited' } });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(limitedCompat.status).toBe(200);
    expect(limitedCompat.body).toMatchObject({ errcode: 45011 });
    expect(limitedCompat.headers['retry-after']).toBeDefined();
    expect(otherCaller.status).toBe(202);
    expect(keysAfter).toEqual(keysBefore);
  });
});
