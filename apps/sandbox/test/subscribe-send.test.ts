import { describe, it, expect } from '@jest/globals';
import request from 'supertest';
import {
  APP,
  APP2,
  buildSandbox,
  classicToken,
  errcodeOf,
  msgidOf,
  OPENID,
  send,
} from './helpers/test-apps';

const SUB = {
  touser: OPENID,
  template_id: 'SUB_delivery',
  page: 'pages/order/detail?id=1',
  data: { thing1: { value: '订单已发货' } },
};

describe('sandbox subscribe consent', () => {
  it.each(['subscribe', 'bizsend'])(
    'when %s is sent without a grant, then it answers 43101',
    async (api) => {
      const { app, control } = buildSandbox();
      const token = await classicToken(app);

      const res = await send(app, token, SUB, api);

      expect(errcodeOf(res)).toBe(43101);
      expect((res.body as { errmsg: string }).errmsg).toMatch(/^user refuse to accept the msg/);
      expect(control.messages()).toHaveLength(0);
    },
  );

  it.each(['subscribe', 'bizsend'])(
    'when one grant is made over HTTP, then one %s send succeeds and the next answers 43101',
    async (api) => {
      const { app, control } = buildSandbox();
      const token = await classicToken(app);
      const grant = await request(app)
        .post('/sandbox/consents')
        .send({ appid: APP.appId, touser: OPENID, template_id: SUB.template_id });

      const first = await send(app, token, SUB, api);
      const second = await send(app, token, SUB, api);

      expect(grant.status).toBe(201);
      expect(errcodeOf(first)).toBe(0);
      expect(msgidOf(first)).toMatch(/^\d{19}$/);
      expect(errcodeOf(second)).toBe(43101);
      expect(control.messages()).toEqual([
        expect.objectContaining({ api, template_id: SUB.template_id, touser: OPENID }),
      ]);
    },
  );

  it('when a grant belongs to another app or template, then it does not allow the send', async () => {
    const { app, control } = buildSandbox();
    const token = await classicToken(app);
    control.grantConsent({ appid: APP2.appId, touser: OPENID, template_id: SUB.template_id });
    control.grantConsent({ appid: APP.appId, touser: OPENID, template_id: 'SUB_other' });

    const res = await send(app, token, SUB, 'subscribe');

    expect(errcodeOf(res)).toBe(43101);
  });

  it('when a send is refused by validation, then the grant is not used', async () => {
    const { app, control } = buildSandbox();
    const token = await classicToken(app);
    control.grantConsent({ appid: APP.appId, touser: OPENID, template_id: SUB.template_id });

    const invalid = await send(
      app,
      token,
      { ...SUB, data: { thing1: { value: 'x'.repeat(30) } } },
      'subscribe',
    );
    const valid = await send(app, token, SUB, 'subscribe');

    expect(errcodeOf(invalid)).toBe(47003);
    expect(errcodeOf(valid)).toBe(0);
  });

  it('when count is 2 or the grant is long-term, then that many (or unlimited) sends succeed', async () => {
    const { app, control } = buildSandbox();
    const token = await classicToken(app);
    control.grantConsent({
      appid: APP.appId,
      touser: OPENID,
      template_id: SUB.template_id,
      count: 2,
    });
    control.grantConsent({
      appid: APP.appId,
      touser: OPENID,
      template_id: 'SUB_gov',
      longTerm: true,
    });

    const twice = [
      await send(app, token, SUB, 'subscribe'),
      await send(app, token, SUB, 'subscribe'),
      await send(app, token, SUB, 'subscribe'),
    ];
    const longTerm = [
      await send(app, token, { ...SUB, template_id: 'SUB_gov' }, 'subscribe'),
      await send(app, token, { ...SUB, template_id: 'SUB_gov' }, 'subscribe'),
    ];

    expect(twice.map(errcodeOf)).toEqual([0, 0, 43101]);
    expect(longTerm.map(errcodeOf)).toEqual([0, 0]);
  });

  it('when the user revokes the template, then the unused grant is gone', async () => {
    const { app, control } = buildSandbox();
    const token = await classicToken(app);
    control.grantConsent({ appid: APP.appId, touser: OPENID, template_id: SUB.template_id });

    const revoke = await request(app)
      .delete('/sandbox/consents')
      .send({ appid: APP.appId, touser: OPENID, template_id: SUB.template_id });
    const res = await send(app, token, SUB, 'subscribe');

    expect(revoke.body).toEqual({ revoked: true });
    expect(errcodeOf(res)).toBe(43101);
  });

  it('when several apps exist and the consent names no appid, then the control API answers 400', async () => {
    const { app } = buildSandbox();

    const res = await request(app)
      .post('/sandbox/consents')
      .send({ touser: OPENID, template_id: 'T' });

    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: { code: 'bad_request', message: expect.stringMatching(/appid/) },
    });
  });

  it.each([
    ['a page with a leading slash', { page: '/pages/index' }, 41030],
    ['a page with spaces', { page: 'pages/a b' }, 41030],
    ['an unknown miniprogram_state', { miniprogram_state: 'beta' }, 47003],
    ['an unknown lang', { lang: 'fr_FR' }, 47003],
    ['no data at all', { data: {} }, 47003],
  ])('when subscribe/send has %s, then it answers %i', async (_case, extra, code) => {
    const { app, control } = buildSandbox();
    const token = await classicToken(app);
    control.grantConsent({ appid: APP.appId, touser: OPENID, template_id: SUB.template_id });

    const res = await send(app, token, { ...SUB, ...extra }, 'subscribe');

    expect(errcodeOf(res)).toBe(code);
  });

  it('when subscribe/send has valid state and lang, then it is accepted', async () => {
    const { app, control } = buildSandbox();
    const token = await classicToken(app);
    control.grantConsent({ appid: APP.appId, touser: OPENID, template_id: SUB.template_id });

    const res = await send(
      app,
      token,
      { ...SUB, miniprogram_state: 'trial', lang: 'en_US' },
      'subscribe',
    );

    expect(errcodeOf(res)).toBe(0);
  });
});
