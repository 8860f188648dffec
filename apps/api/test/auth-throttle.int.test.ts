import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { uniquePrefix } from '@wechat-dispatch/testkit';
import { ORDERS_KEY, bearer, startTestApi, type TestApi } from './helpers/test-api';
import { templateBody } from './helpers/messages';

/*
 * Failed authentication is throttled per client address, counted in Redis across replicas
 * (#18, finding 1): past the limit an address gets 429 with Retry-After, while a caller from
 * another address is unaffected. The replicas trust one proxy hop, so X-Forwarded-For's last
 * entry is the client.
 */

const LIMIT = 10;
const WINDOW_S = 60;
const DASHBOARD = { user: 'operator', password: 'dashboard-pass-1' };

const from = (address: string) => ({ 'X-Forwarded-For': address });
const basic = (user: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

interface ErrorBody {
  error: { code: string; message: string };
}

/** The statuses of a run of answers, as `status × count` in order. */
function runsOf(statuses: number[]): string[] {
  const runs: Array<[number, number]> = [];
  for (const status of statuses) {
    const last = runs[runs.length - 1];
    if (last && last[0] === status) {
      last[1] += 1;
    } else {
      runs.push([status, 1]);
    }
  }
  return runs.map(([status, count]) => `${status} × ${count}`);
}

describe('failed-authentication throttle', () => {
  const prefix = uniquePrefix('api-authfail');
  let replicaA: TestApi;
  let replicaB: TestApi;

  beforeAll(async () => {
    const options = {
      prefix,
      trustProxyHops: 1,
      authFailureLimit: LIMIT,
      authFailureWindowSeconds: WINDOW_S,
      admin: DASHBOARD,
    };
    replicaA = await startTestApi(options);
    replicaB = await startTestApi(options);
  });

  afterAll(async () => {
    await replicaB.runtime.close();
    await replicaA.close();
    await replicaB.redis.quit();
  });

  it('when one address sends 1,000 wrong keys, then it gets 429 with Retry-After after the limit, and a correct caller from another address is unaffected', async () => {
    const statuses: number[] = [];
    const goodAnswers: number[] = [];
    let last: request.Response | undefined;

    for (let i = 0; i < 1000; i += 1) {
      const replica = i % 2 === 0 ? replicaA : replicaB;
      last = await request(replica.app)
        .post('/v1/messages')
        .set(bearer(`wrong-key-${String(i).padStart(4, '0')}`))
        .set(from('203.0.113.7'))
        .send(templateBody());
      statuses.push(last.status);
      if (i % 100 === 50) {
        const good = await request(replica.app)
          .post('/v1/messages')
          .set(bearer(ORDERS_KEY))
          .set(from('198.51.100.2'))
          .send(templateBody());
        goodAnswers.push(good.status);
      }
    }

    expect(runsOf(statuses)).toEqual([`401 × ${LIMIT}`, `429 × ${1000 - LIMIT}`]);
    expect(goodAnswers).toEqual(Array(10).fill(202));
    expect((last?.body as ErrorBody).error).toEqual({
      code: 'rate_limited',
      message: 'Too many failed authentications from this address; see Retry-After',
      requestId: expect.any(String),
    });
    const retryAfter = Number(last?.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_S);
  });

  it('when failures are spread over two replicas, then they count together, and the right key from the blocked address is refused too', async () => {
    const address = '203.0.113.8';
    const wrong = (replica: TestApi) =>
      request(replica.app).get('/v1/messages/m1').set(bearer('not-a-key')).set(from(address));
    for (let i = 0; i < LIMIT / 2; i += 1) {
      expect((await wrong(replicaA)).status).toBe(401);
      expect((await wrong(replicaB)).status).toBe(401);
    }

    const next = await wrong(replicaA);
    const rightKey = await request(replicaA.app)
      .get('/v1/messages/m1')
      .set(bearer(ORDERS_KEY))
      .set(from(address));

    expect(next.status).toBe(429);
    expect(rightKey.status).toBe(429);
    expect(rightKey.headers['retry-after']).toMatch(/^\d+$/);
    const ttl = await replicaA.redis.pttl(`${replicaA.keyspace.key('auth-fail', address)}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(WINDOW_S * 1000);
  });

  it('when the compat routes get wrong access_tokens, then they count too and answer 45011 with Retry-After past the limit', async () => {
    const errcodes: number[] = [];
    let last: request.Response | undefined;
    for (let i = 0; i <= LIMIT; i += 1) {
      last = await request(replicaB.app)
        .post('/cgi-bin/message/template/send?access_token=wrong-token')
        .set(from('203.0.113.9'))
        .send({ touser: 'oUser0001', template_id: 'T1', data: { thing1: { value: 'x' } } });
      errcodes.push((last.body as { errcode: number }).errcode);
    }

    expect(runsOf(errcodes)).toEqual([`40001 × ${LIMIT}`, '45011 × 1']);
    expect(last?.headers['retry-after']).toMatch(/^\d+$/);
  });

  it('when the dashboard gets wrong passwords, then it is 429 past the limit, and the operator from another address still gets in', async () => {
    const statuses: number[] = [];
    for (let i = 0; i <= LIMIT; i += 1) {
      const res = await request(replicaA.app)
        .get('/admin/queues')
        .set(basic(DASHBOARD.user, `guess-${i}`))
        .set(from('203.0.113.10'));
      statuses.push(res.status);
    }
    const operator = await request(replicaA.app)
      .get('/admin/queues')
      .set(basic(DASHBOARD.user, DASHBOARD.password))
      .set(from('198.51.100.3'));

    expect(runsOf(statuses)).toEqual([`401 × ${LIMIT}`, '429 × 1']);
    expect(operator.status).toBe(200);
  });

  it('when requests present no credential at all, then they guess nothing and are never throttled', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT * 3; i += 1) {
      const res = await request(replicaB.app).get('/v1/messages/m1').set(from('203.0.113.11'));
      statuses.push(res.status);
    }

    expect(runsOf(statuses)).toEqual([`401 × ${LIMIT * 3}`]);
  });
});

describe('failed-authentication throttle without a trusted proxy', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi({ trustProxyHops: 0, authFailureLimit: LIMIT });
  });

  afterAll(async () => {
    await api.close();
  });

  it('when a client forges a new X-Forwarded-For on every guess, then its guesses still count as one address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i <= LIMIT; i += 1) {
      const res = await request(api.app)
        .get('/v1/messages/m1')
        .set(bearer('not-a-key'))
        .set(from(`192.0.2.${i}`));
      statuses.push(res.status);
    }

    expect(runsOf(statuses)).toEqual([`401 × ${LIMIT}`, '429 × 1']);
  });
});
