import { describe, it, expect } from '@jest/globals';
import request from 'supertest';
import { fakeClock } from './helpers/fake-clock';
import {
  APP,
  buildSandbox,
  classicToken,
  errcodeOf,
  msgidOf,
  OPENID,
  send,
} from './helpers/test-apps';

const MESSAGE = {
  touser: OPENID,
  template_id: 'TPL_order_shipped',
  data: { keyword1: { value: 'A-1' } },
};

describe('sandbox template send', () => {
  it('when a valid template message is sent, then it answers errcode 0 with a 64-bit msgid written in full', async () => {
    const { app } = buildSandbox();
    const token = await classicToken(app);

    const res = await send(app, token, MESSAGE);

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.text).toMatch(/^\{"errcode":0,"errmsg":"ok","msgid":\d{19}\}$/);
    expect(BigInt(msgidOf(res)) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
  });

  it('when a message is sent, then /sandbox/messages lists it with msgid as a string, first/remark and colours dropped', async () => {
    const { app } = buildSandbox();
    const token = await classicToken(app);
    const sent = await send(app, token, {
      touser: OPENID,
      template_id: 'TPL_a',
      url: 'https://example.com/o/1',
      data: {
        first: { value: 'dropped' },
        keyword1: { value: 'x', color: '#f00' },
        remark: { value: 'dropped' },
      },
      color: '#00f',
    });

    const res = await request(app).get('/sandbox/messages').query({ touser: OPENID });

    expect(res.body).toEqual([
      {
        appid: APP.appId,
        api: 'template',
        touser: OPENID,
        template_id: 'TPL_a',
        data: { keyword1: { value: 'x' } },
        url: 'https://example.com/o/1',
        msgid: msgidOf(sent),
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        status: 'success',
      },
    ]);
  });

  it('when the same openid and client_msg_id are sent twice within 10 minutes, then the same msgid comes back and one delivery is recorded', async () => {
    const clock = fakeClock();
    const { app, control } = buildSandbox({ now: clock.now });
    const token = await classicToken(app);
    const body = { ...MESSAGE, client_msg_id: 'order-42-shipped' };

    const first = await send(app, token, body);
    clock.advance(9 * 60_000);
    const repeat = await send(app, token, body);

    expect(errcodeOf(repeat)).toBe(0);
    expect(msgidOf(repeat)).toBe(msgidOf(first));
    expect(control.messages()).toHaveLength(1);
    expect(control.stats()).toMatchObject({
      deliveries: 1,
      deduplicated: 1,
      sendCalls: { [APP.appId]: { template: 2 } },
    });
  });

  it('when the repeat comes after 10 minutes or to another openid, then it is a new delivery', async () => {
    const clock = fakeClock();
    const { app, control } = buildSandbox({ now: clock.now });
    const token = await classicToken(app);
    const body = { ...MESSAGE, client_msg_id: 'c-1' };

    const first = await send(app, token, body);
    const otherUser = await send(app, token, { ...body, touser: 'oOther000000000000000000001' });
    clock.advance(10 * 60_000);
    const late = await send(app, token, body);

    expect(msgidOf(otherUser)).not.toBe(msgidOf(first));
    expect(msgidOf(late)).not.toBe(msgidOf(first));
    expect(control.stats().deliveries).toBe(3);
  });

  it.each([
    ['a body that is not JSON', 'touser=x', 47001],
    ['a JSON array', '[]', 47001],
    ['no touser', JSON.stringify({ template_id: 'T', data: {} }), 47001],
    ['no data', JSON.stringify({ touser: OPENID, template_id: 'T' }), 47001],
    ['an empty openid', JSON.stringify({ touser: '', template_id: 'T', data: {} }), 40003],
    ['a malformed openid', JSON.stringify({ touser: 'o u', template_id: 'T', data: {} }), 40003],
    ['an empty template_id', JSON.stringify({ touser: OPENID, template_id: '', data: {} }), 40037],
    [
      'a malformed template_id',
      JSON.stringify({ touser: OPENID, template_id: 'a/b', data: {} }),
      40037,
    ],
    [
      'a miniprogram without appid',
      JSON.stringify({ ...MESSAGE, miniprogram: { pagepath: 'p' } }),
      47001,
    ],
    [
      'a miniprogram pagepath with spaces',
      JSON.stringify({ ...MESSAGE, miniprogram: { appid: 'wxmp', pagepath: 'a b' } }),
      40165,
    ],
  ])('when sent with %s, then it answers %i and records nothing', async (_case, raw, code) => {
    const { app, control } = buildSandbox();
    const token = await classicToken(app);

    const res = await request(app)
      .post('/cgi-bin/message/template/send')
      .query({ access_token: token })
      .set('content-type', 'text/plain')
      .send(raw);

    expect(res.status).toBe(200);
    expect(errcodeOf(res)).toBe(code);
    expect(control.messages()).toHaveLength(0);
  });

  it('when JSON arrives labelled text/plain, then it is accepted as WeChat does', async () => {
    const { app } = buildSandbox();
    const token = await classicToken(app);

    const res = await request(app)
      .post('/cgi-bin/message/template/send')
      .query({ access_token: token })
      .set('content-type', 'text/plain')
      .send(JSON.stringify(MESSAGE));

    expect(errcodeOf(res)).toBe(0);
  });

  it('when the user refused the template, then it answers 43101; when they unfollowed, 43004', async () => {
    const { app, control } = buildSandbox();
    const token = await classicToken(app);
    control.setUser({ touser: OPENID, refusedTemplates: ['TPL_order_shipped'] });
    control.setUser({ touser: 'oGone00000000000000000000001', following: false });

    const refused = await send(app, token, MESSAGE);
    const other = await send(app, token, { ...MESSAGE, template_id: 'TPL_other' });
    const unfollowed = await send(app, token, {
      ...MESSAGE,
      touser: 'oGone00000000000000000000001',
    });

    expect(errcodeOf(refused)).toBe(43101);
    expect(errcodeOf(other)).toBe(0);
    expect(errcodeOf(unfollowed)).toBe(43004);
  });

  it('when known templates are required, then an unregistered template id answers 40037', async () => {
    const { app, control } = buildSandbox({ settings: { requireKnownTemplates: true } });
    const token = await classicToken(app);
    control.addTemplate({ template_id: 'TPL_known', title: '订单发货通知' });

    const unknown = await send(app, token, MESSAGE);
    const known = await send(app, token, { ...MESSAGE, template_id: 'TPL_known' });

    expect(errcodeOf(unknown)).toBe(40037);
    expect(errcodeOf(known)).toBe(0);
  });

  it('when a send route is called with GET, then it answers 43002', async () => {
    const { app } = buildSandbox();

    const res = await request(app).get('/cgi-bin/message/template/send');

    expect(errcodeOf(res)).toBe(43002);
  });
});
