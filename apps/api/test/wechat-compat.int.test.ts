import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { RecordStore, SEND_QUEUE } from '@wechat-dispatch/core';
import { APP_ID, ORDERS_KEY, OTHER_APP_ID, startTestApi, type TestApi } from './helpers/test-api';

interface WeChatAnswer {
  errcode: number;
  errmsg: string;
  msgid?: number;
}

/** The message id of a compat msgid, through GET /v1/messages/{msgid}. */
async function messageIdOf(api: TestApi, msgid: number | undefined): Promise<string> {
  const res = await request(api.app)
    .get(`/v1/messages/${msgid}`)
    .set('authorization', `Bearer ${ORDERS_KEY}`);
  return (res.body as { id: string }).id;
}

/** A template request exactly as a service sends it to WeChat (old colours and all). */
const wechatTemplate = (overrides: Record<string, unknown> = {}) => ({
  touser: 'oWeChatUser0001',
  template_id: 'TPL_ORDER_SHIPPED',
  url: 'https://example.com/orders/42',
  miniprogram: { appid: 'wxminiprogram0001', pagepath: 'pages/order?id=42' },
  topcolor: '#FF0000',
  data: {
    first: { value: '您的订单已发货', color: '#173177' },
    thing1: { value: '订单已发货', color: '#173177' },
    time2: { value: '2026-11-26 10:00' },
    remark: { value: '感谢使用' },
  },
  ...overrides,
});

describe('WeChat-compatible routes', () => {
  let api: TestApi;
  let records: RecordStore;

  beforeAll(async () => {
    api = await startTestApi();
    records = new RecordStore({ redis: api.redis, keyspace: api.keyspace });
  });

  afterAll(async () => {
    await api.close();
  });

  const send = (path: string, body: unknown, token: string | null = ORDERS_KEY) =>
    request(api.app)
      .post(`/cgi-bin/message/${path}${token === null ? '' : `?access_token=${token}`}`)
      .set('content-type', 'application/json')
      .send(typeof body === 'string' ? body : JSON.stringify(body));

  it('when a WeChat template body is posted with an API key as access_token, then it answers errcode 0 with our message id and queues the message', async () => {
    const res = await send('template/send', wechatTemplate());

    const answer = res.body as WeChatAnswer;
    const stored = await records.load(await messageIdOf(api, answer.msgid));
    expect(res.status).toBe(200);
    expect(answer).toEqual({ errcode: 0, errmsg: 'ok', msgid: expect.any(Number) });
    expect(res.text).toMatch(/"msgid":\d+\}$/);
    expect(stored?.record).toMatchObject({
      type: 'template',
      appId: APP_ID,
      caller: 'orders',
      status: 'queued',
    });
    expect(stored?.message).toMatchObject({
      toUser: 'oWeChatUser0001',
      templateId: 'TPL_ORDER_SHIPPED',
      url: 'https://example.com/orders/42',
      miniprogram: { appId: 'wxminiprogram0001', pagePath: 'pages/order?id=42' },
      data: { thing1: { value: '订单已发货' }, time2: { value: '2026-11-26 10:00' } },
    });
  });

  it('when the request carries X-Request-Id, then the record and the send job carry it as trace id', async () => {
    const res = await send('template/send', wechatTemplate()).set('X-Request-Id', 'trace-compat-1');

    const id = await messageIdOf(api, (res.body as WeChatAnswer).msgid);
    const job = await api.runtime.deps.queues.find((q) => q.name === SEND_QUEUE)!.getJob(id);
    expect(res.headers['x-request-id']).toBe('trace-compat-1');
    expect((await records.get(id))?.traceId).toBe('trace-compat-1');
    expect(job?.data).toEqual({ messageId: id, appId: APP_ID, traceId: 'trace-compat-1' });
  });

  it('when the body comes without a JSON content type, then it is still read as JSON, as WeChat does', async () => {
    const res = await request(api.app)
      .post(`/cgi-bin/message/template/send?access_token=${ORDERS_KEY}`)
      .set('content-type', 'text/plain')
      .send(JSON.stringify(wechatTemplate()));

    expect((res.body as WeChatAnswer).errcode).toBe(0);
  });

  it('when a WeChat subscribe body is posted, then it is queued as a subscribe message with state and language', async () => {
    const res = await send('subscribe/send', {
      touser: 'oWeChatUser0001',
      template_id: 'TPL_SUBSCRIBE_1',
      page: 'pages/index?from=msg',
      miniprogram_state: 'trial',
      lang: 'en_US',
      data: { thing1: { value: '配送中' }, number2: { value: 42 } },
    });

    const answer = res.body as WeChatAnswer;
    const stored = await records.load(await messageIdOf(api, answer.msgid));
    expect(answer.errcode).toBe(0);
    expect(stored?.message).toMatchObject({
      type: 'subscribe',
      page: 'pages/index?from=msg',
      miniprogramState: 'trial',
      lang: 'en_US',
      data: { number2: { value: '42' } },
    });
  });

  it('when a WeChat bizsend body is posted, then it is queued as a bizsend message', async () => {
    const res = await send('subscribe/bizsend', {
      touser: 'oWeChatUser0001',
      template_id: 'TPL_BIZ_1',
      page: 'https://example.com/h5',
      data: { thing01: { value: '已受理' } },
    });

    const answer = res.body as WeChatAnswer;
    expect(answer.errcode).toBe(0);
    expect((await records.get(await messageIdOf(api, answer.msgid)))?.type).toBe('bizsend');
  });

  it('when the same client_msg_id is sent twice, then both answers carry the same msgid and one message is queued', async () => {
    const body = wechatTemplate({ client_msg_id: 'order-42-shipped' });

    const first = await send('template/send', body);
    const keysAfterFirst = await api.storedKeys();
    const second = await send('template/send', body);

    expect((first.body as WeChatAnswer).errcode).toBe(0);
    expect(second.body).toEqual(first.body);
    expect(await api.storedKeys()).toEqual(keysAfterFirst);
  });

  it.each<[string, () => request.Test, number, string]>([
    [
      'a wrong access_token',
      () => send('template/send', wechatTemplate(), 'not-a-key'),
      40001,
      'invalid credential',
    ],
    [
      'no access_token',
      () => send('template/send', wechatTemplate(), null),
      40001,
      'invalid credential',
    ],
    [
      'a body that is not JSON',
      () => send('template/send', '{"touser": '),
      47001,
      'data format error',
    ],
    ['no data', () => send('template/send', wechatTemplate({ data: undefined })), 47001, 'data'],
    [
      'a data value that is not an object',
      () => send('template/send', wechatTemplate({ data: { thing1: 'x' } })),
      47001,
      'data.thing1',
    ],
    [
      'a thing value over 20 characters',
      () =>
        send('subscribe/send', {
          touser: 'oWeChatUser0001',
          template_id: 'T1',
          data: { thing3: { value: '一'.repeat(21) } },
        }),
      47003,
      'data.thing3.value',
    ],
    [
      'a subscribe data key without a type prefix',
      () =>
        send('subscribe/send', {
          touser: 'oWeChatUser0001',
          template_id: 'T1',
          data: { keyword1: { value: '已发货' } },
        }),
      47003,
      'data.keyword1',
    ],
    [
      'a touser too short for an openid',
      () => send('template/send', wechatTemplate({ touser: 'o1' })),
      40003,
      'touser',
    ],
    [
      'a category template value breaking its rule',
      () => send('template/send', wechatTemplate({ data: { amount4: { value: 'lots' } } })),
      47003,
      'data.amount4.value',
    ],
    [
      'a missing touser',
      () => send('template/send', wechatTemplate({ touser: undefined })),
      40003,
      'touser',
    ],
    [
      'touser "bad"',
      () => send('template/send', wechatTemplate({ touser: 'bad' })),
      40003,
      'touser',
    ],
    [
      'a touser that is no openid',
      () => send('template/send', wechatTemplate({ touser: 'a b' })),
      40003,
      'touser',
    ],
    [
      'a missing template_id',
      () => send('template/send', wechatTemplate({ template_id: undefined })),
      40037,
      'template_id',
    ],
    [
      'an unknown miniprogram_state',
      () =>
        send('subscribe/send', {
          touser: 'oWeChatUser0001',
          template_id: 'T1',
          miniprogram_state: 'beta',
          data: { thing1: { value: 'a' } },
        }),
      47001,
      'miniprogram_state',
    ],
    [
      'an appid that is not configured',
      () => send(`template/send`, wechatTemplate(), `${ORDERS_KEY}&appid=wxnotconfigured01`),
      40013,
      'appid',
    ],
    [
      'a client_msg_id reused with another body',
      () =>
        send(
          'template/send',
          wechatTemplate({ client_msg_id: 'order-42-shipped', touser: 'oOtherUser00001' }),
        ),
      47001,
      'client_msg_id',
    ],
  ])(
    'when the request has %s, then it answers HTTP 200 with the fitting errcode naming the problem and stores nothing',
    async (_name, act, errcode, mentions) => {
      const keysBefore = await api.storedKeys();

      const res = await act();

      const answer = res.body as WeChatAnswer;
      expect(res.status).toBe(200);
      expect(answer.errcode).toBe(errcode);
      expect(answer.errmsg).toContain(mentions);
      expect(answer.msgid).toBeUndefined();
      expect(await api.storedKeys()).toEqual(keysBefore);
    },
  );

  it('when the request is refused, then the answer still carries the request id header', async () => {
    const res = await send('template/send', wechatTemplate(), 'not-a-key').set(
      'X-Request-Id',
      'compat-1',
    );

    expect(res.headers['x-request-id']).toBe('compat-1');
  });
});

describe('WeChat-compatible routes with several apps', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi({ appIds: [APP_ID, OTHER_APP_ID] });
  });

  afterAll(async () => {
    await api.close();
  });

  it('when appid is in the query, then the message is sent from that app', async () => {
    const res = await request(api.app)
      .post(`/cgi-bin/message/template/send?access_token=${ORDERS_KEY}&appid=${OTHER_APP_ID}`)
      .send(wechatTemplate());

    const answer = res.body as WeChatAnswer;
    const record = await new RecordStore({ redis: api.redis, keyspace: api.keyspace }).get(
      await messageIdOf(api, answer.msgid),
    );
    expect(answer.errcode).toBe(0);
    expect(record?.appId).toBe(OTHER_APP_ID);
  });

  it('when appid is missing, then it answers errcode 41002', async () => {
    const res = await request(api.app)
      .post(`/cgi-bin/message/template/send?access_token=${ORDERS_KEY}`)
      .send(wechatTemplate());

    expect(res.body).toMatchObject({ errcode: 41002 });
  });
});
