import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { bearer, ORDERS_KEY, startTestApi, type TestApi } from './helpers/test-api';
import { subscribeBody, templateBody } from './helpers/messages';

interface ErrorBody {
  error: { code: string; message: string; requestId: string; details?: Array<{ path: string }> };
}

type Send = (api: TestApi) => request.Test;

const post = (api: TestApi, path = '/v1/messages') =>
  request(api.app).post(path).set(bearer(ORDERS_KEY));

interface Refusal {
  name: string;
  send: Send;
  status: number;
  code: string;
  path?: string;
}

/** Each case: a request the API must refuse, its status, code and (for 400s) the field path. */
const REFUSED: Refusal[] = [
  {
    name: 'no API key',
    send: (api) => request(api.app).post('/v1/messages').send(templateBody()),
    status: 401,
    code: 'unauthorized',
  },
  {
    name: 'an unknown API key',
    send: (api) =>
      request(api.app).post('/v1/messages').set(bearer('nope-nope-nope')).send(templateBody()),
    status: 401,
    code: 'unauthorized',
  },
  {
    name: 'a body that is not JSON',
    send: (api) => post(api).set('content-type', 'text/plain').send('type=template'),
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'malformed JSON',
    send: (api) => post(api).set('content-type', 'application/json').send('{"type": "template",'),
    status: 400,
    code: 'invalid_json',
  },
  {
    name: 'a body over 1 MB',
    send: (api) => post(api).send(templateBody({ data: { keyword1: 'x'.repeat(1_100_000) } })),
    status: 413,
    code: 'payload_too_large',
  },
  {
    name: 'no body',
    send: (api) => post(api),
    status: 400,
    code: 'validation_failed',
    path: '(body)',
  },
  {
    name: 'a misspelt field',
    send: (api) => post(api).send({ ...templateBody(), tempalteId: 'TPL' }),
    status: 400,
    code: 'validation_failed',
    path: 'tempalteId',
  },
  {
    name: 'a missing toUser',
    send: (api) => post(api).send(templateBody({ toUser: undefined })),
    status: 400,
    code: 'validation_failed',
    path: 'toUser',
  },
  {
    name: 'an unknown type',
    send: (api) => post(api).send(templateBody({ type: 'sms' })),
    status: 400,
    code: 'validation_failed',
    path: 'type',
  },
  {
    name: 'a subscribe thing value over 20 characters',
    send: (api) => post(api).send(subscribeBody({ data: { thing1: { value: '一'.repeat(21) } } })),
    status: 400,
    code: 'validation_failed',
    path: 'data.thing1.value',
  },
  {
    name: 'a subscribe phrase value with latin letters',
    send: (api) => post(api).send(subscribeBody({ data: { phrase3: 'shipped' } })),
    status: 400,
    code: 'validation_failed',
    path: 'data.phrase3',
  },
  {
    name: 'a toUser too short for a WeChat openid',
    send: (api) => post(api).send(templateBody({ toUser: 'o1' })),
    status: 400,
    code: 'validation_failed',
    path: 'toUser',
  },
  {
    name: 'a subscribe data key without a type prefix',
    send: (api) => post(api).send(subscribeBody({ data: { keyword1: '已发货' } })),
    status: 400,
    code: 'validation_failed',
    path: 'data.keyword1',
  },
  {
    name: 'a bizsend data key without a type prefix',
    send: (api) =>
      post(api).send({
        type: 'bizsend',
        toUser: 'oUserTest000001',
        templateId: 'TPL_BIZ_1',
        data: { keyword1: { value: 'shipped' } },
      }),
    status: 400,
    code: 'validation_failed',
    path: 'data.keyword1',
  },
  {
    name: 'a bizsend number value that is not a number',
    send: (api) =>
      post(api).send({
        type: 'bizsend',
        toUser: 'oUserTest000001',
        templateId: 'TPL_BIZ_1',
        data: { number01: { value: '12a' } },
      }),
    status: 400,
    code: 'validation_failed',
    path: 'data.number01.value',
  },
  {
    name: 'a category-template thing value over 20 characters',
    send: (api) => post(api).send(templateBody({ data: { thing01: { value: 'x'.repeat(21) } } })),
    status: 400,
    code: 'validation_failed',
    path: 'data.thing01.value',
  },
  {
    name: 'a page on a template message',
    send: (api) => post(api).send(templateBody({ page: 'pages/x' })),
    status: 400,
    code: 'validation_failed',
    path: 'page',
  },
  {
    name: 'an appId that is not configured',
    send: (api) => post(api).send(templateBody({ appId: 'wxnotconfigured01' })),
    status: 400,
    code: 'validation_failed',
    path: 'appId',
  },
  {
    name: 'a sendAt that is not a date-time',
    send: (api) => post(api).send(templateBody({ sendAt: 'tomorrow' })),
    status: 400,
    code: 'validation_failed',
    path: 'sendAt',
  },
  {
    name: 'an Idempotency-Key over 128 characters',
    send: (api) => post(api).set('Idempotency-Key', 'k'.repeat(129)).send(templateBody()),
    status: 400,
    code: 'validation_failed',
    path: 'Idempotency-Key',
  },
  {
    name: 'an empty Idempotency-Key',
    send: (api) => post(api).set('Idempotency-Key', '').send(templateBody()),
    status: 400,
    code: 'validation_failed',
    path: 'Idempotency-Key',
  },
  {
    name: 'a batch with one bad item',
    send: (api) =>
      post(api, '/v1/messages/batch').send({
        messages: [
          templateBody(),
          templateBody(),
          templateBody(),
          templateBody({ toUser: 'not an openid' }),
        ],
      }),
    status: 400,
    code: 'validation_failed',
    path: 'messages[3].toUser',
  },
  {
    name: 'a batch with one bad data value',
    send: (api) =>
      post(api, '/v1/messages/batch').send({
        messages: [subscribeBody(), subscribeBody({ data: { thing7: { value: 'x'.repeat(21) } } })],
      }),
    status: 400,
    code: 'validation_failed',
    path: 'messages[1].data.thing7.value',
  },
  {
    name: 'a batch with an item for an unknown app',
    send: (api) =>
      post(api, '/v1/messages/batch').send({
        messages: [templateBody(), templateBody({ appId: 'wxnotconfigured01' })],
      }),
    status: 400,
    code: 'validation_failed',
    path: 'messages[1].appId',
  },
  {
    name: 'a batch of 1001',
    send: (api) =>
      post(api, '/v1/messages/batch').send({
        messages: Array.from({ length: 1001 }, () => templateBody()),
      }),
    status: 400,
    code: 'validation_failed',
    path: 'messages',
  },
  {
    name: 'an empty batch',
    send: (api) => post(api, '/v1/messages/batch').send({ messages: [] }),
    status: 400,
    code: 'validation_failed',
    path: 'messages',
  },
  {
    name: 'a batch with a field besides messages',
    send: (api) =>
      post(api, '/v1/messages/batch').send({ messages: [templateBody()], priority: 1 }),
    status: 400,
    code: 'validation_failed',
    path: 'priority',
  },
];

describe('POST /v1/messages and /v1/messages/batch refusals', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi();
  });

  afterAll(async () => {
    await api.close();
  });

  it.each(REFUSED)(
    'when the request has $name, then it answers $status $code naming the field and stores nothing',
    async ({ send, status, code, path }) => {
      const keysBefore = await api.storedKeys();
      const jobsBefore = await api.jobCounts();

      const res = await send(api).set('X-Request-Id', 'req-refused-1');

      const body = res.body as ErrorBody;
      expect(res.status).toBe(status);
      expect(body.error).toEqual(
        expect.objectContaining({ code, message: expect.any(String), requestId: 'req-refused-1' }),
      );
      const paths = body.error.details?.map((d) => d.path) ?? [];
      expect(paths).toEqual(expect.arrayContaining(path === undefined ? [] : [path]));
      expect(paths.length > 0).toBe(path !== undefined);
      expect(await api.storedKeys()).toEqual(keysBefore);
      expect(await api.jobCounts()).toEqual(jobsBefore);
    },
  );

  it('when a message has several problems, then every one is reported with its path', async () => {
    const res = await post(api).send(
      subscribeBody({ toUser: '', data: { thing1: 'x'.repeat(21), number2: 'abc' }, extra: 1 }),
    );

    const paths = (res.body as ErrorBody).error.details?.map((d) => d.path);
    expect(res.status).toBe(400);
    expect(paths).toEqual(
      expect.arrayContaining(['toUser', 'data.thing1', 'data.number2', 'extra']),
    );
  });
});
