import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request, { type Response } from 'supertest';

interface ErrorBody {
  error: { code: string; message: string; details: Array<{ path: string; message: string }> };
}
const errorOf = (res: Response) => (res.body as ErrorBody).error;
interface ConsentsBody {
  enforced: boolean;
  templates: Array<{ templateId: string; available: number; reserved: number }>;
}
import {
  APP_ID,
  BILLING_KEY,
  ORDERS_KEY,
  bearer,
  startTestApi,
  type TestApi,
} from './helpers/test-api';

const template = (extra: Record<string, unknown> = {}) => ({
  type: 'template',
  toUser: 'oCallbackUser1',
  templateId: 'TPL_1',
  data: { thing1: '发货' },
  ...extra,
});
const subscribe = (extra: Record<string, unknown> = {}) => ({
  type: 'subscribe',
  toUser: 'oConsentUser1',
  templateId: 'SUB_1',
  data: { thing1: '发货' },
  ...extra,
});

describe('POST /v1/messages with callbackUrl', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi({ callbackCallers: ['orders'] });
  });

  afterAll(async () => {
    await api.close();
  });

  it.each([
    ['http://127.0.0.1:9999/hook'],
    ['https://localhost/hook'],
    ['https://169.254.169.254/latest/meta-data'],
    ['https://[::1]/hook'],
    ['https://10.1.2.3/hook'],
  ])(
    'when the callbackUrl is %s and there is no allow-list, then 400 and nothing is stored',
    async (url) => {
      const before = await api.storedKeys();

      const res = await request(api.app)
        .post('/v1/messages')
        .set(bearer(ORDERS_KEY))
        .send(template({ callbackUrl: url }));

      expect(res.status).toBe(400);
      expect(errorOf(res).details[0]!.path).toBe('callbackUrl');
      expect(await api.storedKeys()).toEqual(before);
    },
  );

  it('when the caller has no callback secret, then 400 naming callbackUrl', async () => {
    const res = await request(api.app)
      .post('/v1/messages')
      .set(bearer(BILLING_KEY))
      .send(template({ callbackUrl: 'https://93.184.215.14/hook' }));

    expect(res.status).toBe(400);
    expect(errorOf(res).details[0]!.message).toContain('no callback secret');
  });

  it('when a batch item has a bad callbackUrl, then 400 naming messages[i].callbackUrl', async () => {
    const res = await request(api.app)
      .post('/v1/messages/batch')
      .set(bearer(ORDERS_KEY))
      .send({ messages: [template(), template({ callbackUrl: 'http://127.0.0.1/x' })] });

    expect(res.status).toBe(400);
    expect(errorOf(res).details[0]!.path).toBe('messages[1].callbackUrl');
  });

  it('when the callbackUrl is a public https address, then 202 and the message keeps it', async () => {
    const res = await request(api.app)
      .post('/v1/messages')
      .set(bearer(ORDERS_KEY))
      .send(template({ callbackUrl: 'https://93.184.215.14/hook' }));

    expect(res.status).toBe(202);
  });
});

describe('POST /v1/messages with callbackUrl and an allow-list', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi({ callbackCallers: ['orders'], callbackAllowlist: ['127.0.0.1'] });
  });

  afterAll(async () => {
    await api.close();
  });

  it('when the loopback host is allow-listed, then http to it is accepted', async () => {
    const res = await request(api.app)
      .post('/v1/messages')
      .set(bearer(ORDERS_KEY))
      .send(template({ callbackUrl: 'http://127.0.0.1:9999/hook' }));

    expect(res.status).toBe(202);
  });
});

describe('subscription consent at enqueue', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi({ eventTokens: [{ appId: APP_ID, token: 'consentToken1' }] });
  });

  afterAll(async () => {
    await api.close();
  });

  const grant = (openId: string, n = 1) =>
    Promise.all(
      Array.from({ length: n }, () =>
        api.runtime.deps.consents.apply('grant', { appId: APP_ID, openId, templateId: 'SUB_1' }),
      ),
    );

  it('when no grant exists, then 409 no_subscription_consent and nothing is stored', async () => {
    const before = await api.storedKeys();

    const res = await request(api.app)
      .post('/v1/messages')
      .set(bearer(ORDERS_KEY))
      .send(subscribe({ toUser: 'oNoGrant0001' }));

    expect(res.status).toBe(409);
    expect(errorOf(res).code).toBe('no_subscription_consent');
    expect(await api.storedKeys()).toEqual(before);
  });

  it('when one grant exists and ten requests race, then exactly one is accepted', async () => {
    await grant('oRaceUser001');

    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        request(api.app)
          .post('/v1/messages')
          .set(bearer(ORDERS_KEY))
          .send(subscribe({ toUser: 'oRaceUser001' })),
      ),
    );

    expect(answers.map((r) => r.status).sort()).toEqual([202, ...Array<number>(9).fill(409)]);
  });

  it('when the message opts out with skipConsentCheck, then it is accepted without a grant', async () => {
    const res = await request(api.app)
      .post('/v1/messages')
      .set(bearer(ORDERS_KEY))
      .send(subscribe({ toUser: 'oLongTerm001', skipConsentCheck: true }));

    expect(res.status).toBe(202);
  });

  it('when a message holding a grant is cancelled, then the grant is available again', async () => {
    await grant('oCancelUser1');
    const posted = await request(api.app)
      .post('/v1/messages')
      .set(bearer(ORDERS_KEY))
      .send(
        subscribe({
          toUser: 'oCancelUser1',
          sendAt: new Date(Date.now() + 3600_000).toISOString(),
        }),
      );

    await request(api.app)
      .delete(`/v1/messages/${(posted.body as { id: string }).id}`)
      .set(bearer(ORDERS_KEY));
    const consents = await request(api.app)
      .get(`/v1/consents/${APP_ID}/oCancelUser1`)
      .set(bearer(ORDERS_KEY));

    expect(consents.body).toMatchObject({
      enforced: true,
      templates: [{ templateId: 'SUB_1', available: 1, reserved: 0 }],
    });
  });

  it('when a batch needs two grants and the user has one, then 409 and the grant is untouched', async () => {
    await grant('oBatchUser01');

    const res = await request(api.app)
      .post('/v1/messages/batch')
      .set(bearer(ORDERS_KEY))
      .send({
        messages: [subscribe({ toUser: 'oBatchUser01' }), subscribe({ toUser: 'oBatchUser01' })],
      });
    const consents = await request(api.app)
      .get(`/v1/consents/${APP_ID}/oBatchUser01`)
      .set(bearer(ORDERS_KEY));

    expect(res.status).toBe(409);
    expect(errorOf(res).message).toContain('messages[1]');
    expect((consents.body as ConsentsBody).templates[0]).toMatchObject({
      available: 1,
      reserved: 0,
    });
  });
});

describe('subscription consent without event tokens (default auto mode)', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi();
  });

  afterAll(async () => {
    await api.close();
  });

  it('when the app receives no events, then a subscribe message is accepted as before', async () => {
    const res = await request(api.app)
      .post('/v1/messages')
      .set(bearer(ORDERS_KEY))
      .send(subscribe());

    expect(res.status).toBe(202);
  });
});
