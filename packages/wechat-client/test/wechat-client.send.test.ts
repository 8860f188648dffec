import { describe, expect, it } from '@jest/globals';
import nock from 'nock';
import {
  sendWithToken,
  WeChatApiError,
  WeChatTransportError,
  type AccessTokenProvider,
  type SendResult,
  type WeChatClient,
} from '../src';
import { TEXT_PLAIN, TOKEN, WECHAT_ORIGIN, useNockedClient } from './helpers/nock-wechat';

interface SendCase {
  method: string;
  path: string;
  body: object;
  call(client: WeChatClient, token: string): Promise<SendResult>;
}

const data = { thing1: { value: '订单已发货' }, character_string2: { value: 'A-1001' } };

const CASES: SendCase[] = [
  {
    method: 'sendTemplate',
    path: '/cgi-bin/message/template/send',
    body: {
      touser: 'oUser1',
      template_id: 'TPL1',
      url: 'https://example.com/o/1',
      miniprogram: { appid: 'wxmini', pagepath: 'pages/o?id=1' },
      data,
      client_msg_id: 'msg_01HZX',
    },
    call: (c, t) =>
      c.sendTemplate(t, {
        touser: 'oUser1',
        template_id: 'TPL1',
        url: 'https://example.com/o/1',
        miniprogram: { appid: 'wxmini', pagepath: 'pages/o?id=1' },
        data,
        client_msg_id: 'msg_01HZX',
      }),
  },
  {
    method: 'sendSubscribe',
    path: '/cgi-bin/message/subscribe/send',
    body: {
      touser: 'oUser2',
      template_id: 'SUB1',
      page: 'pages/o',
      data,
      miniprogram_state: 'formal',
      lang: 'zh_CN',
    },
    call: (c, t) =>
      c.sendSubscribe(t, {
        touser: 'oUser2',
        template_id: 'SUB1',
        page: 'pages/o',
        data,
        miniprogram_state: 'formal',
        lang: 'zh_CN',
      }),
  },
  {
    method: 'sendBizSubscribe',
    path: '/cgi-bin/message/subscribe/bizsend',
    body: { touser: 'oUser3', template_id: 'BIZ1', page: 'https://example.com', data },
    call: (c, t) =>
      c.sendBizSubscribe(t, {
        touser: 'oUser3',
        template_id: 'BIZ1',
        page: 'https://example.com',
        data,
      }),
  },
];

/** An in-memory token provider handing out tokens in order and recording invalidations. */
function fakeTokens(...tokens: string[]): AccessTokenProvider & { invalidated: string[] } {
  const queue = [...tokens];
  const invalidated: string[] = [];
  return {
    invalidated,
    get: () => Promise.resolve(queue.length > 1 ? queue.shift()! : queue[0]!),
    invalidate: (_appId, failed) => {
      invalidated.push(failed);
      return Promise.resolve(true);
    },
  };
}

describe('WeChatClient', () => {
  const client = useNockedClient();

  describe.each(CASES)('$method', (c) => {
    it('when WeChat answers errcode 0 as text/plain, then the exact 64-bit msgid is returned as a string', async () => {
      const scope = nock(WECHAT_ORIGIN)
        .post(c.path, c.body as nock.RequestBodyMatcher)
        .query({ access_token: TOKEN })
        .reply(200, '{"errcode":0,"errmsg":"ok","msgid":3487542469355618313}', TEXT_PLAIN);

      const result = await c.call(client(), TOKEN);

      expect(result).toEqual({ msgid: '3487542469355618313' });
      expect(scope.isDone()).toBe(true);
    });

    it('when WeChat answers errcode 0 without msgid, then the result has no msgid', async () => {
      nock(WECHAT_ORIGIN).post(c.path).query(true).reply(200, { errcode: 0, errmsg: 'ok' });

      const result = await c.call(client(), TOKEN);

      expect(result).toEqual({});
    });

    it('when WeChat answers a non-zero errcode on HTTP 200, then a permanent WeChatApiError with rid is thrown', async () => {
      nock(WECHAT_ORIGIN)
        .post(c.path)
        .query(true)
        .reply(
          200,
          '{"errcode":43101,"errmsg":"user refuse to accept the msg rid: 65a1-77b2"}',
          TEXT_PLAIN,
        );

      const err = await c.call(client(), TOKEN).catch((e: unknown) => e);

      expect(err).toBeInstanceOf(WeChatApiError);
      expect(err).toMatchObject({
        errcode: 43101,
        errorClass: 'permanent',
        rid: '65a1-77b2',
        endpoint: c.path,
      });
    });

    it('when the token has expired (42001), then sendWithToken invalidates that token and retries once with a new one', async () => {
      nock(WECHAT_ORIGIN)
        .post(c.path)
        .query({ access_token: 'OLD_TOKEN_0000' })
        .reply(200, { errcode: 42001, errmsg: 'access_token expired rid: 1-2' });
      nock(WECHAT_ORIGIN)
        .post(c.path)
        .query({ access_token: 'NEW_TOKEN_1111' })
        .reply(200, '{"errcode":0,"errmsg":"ok","msgid":1700827132819554304}', TEXT_PLAIN);
      const tokens = fakeTokens('OLD_TOKEN_0000', 'NEW_TOKEN_1111');

      const out = await sendWithToken(tokens, 'wxapp', (t) => c.call(client(), t));

      expect(out).toEqual({ result: { msgid: '1700827132819554304' }, tokenRefreshed: true });
      expect(tokens.invalidated).toEqual(['OLD_TOKEN_0000']);
      expect(nock.isDone()).toBe(true);
    });

    it('when WeChat answers HTTP 502, then a transient http_status WeChatTransportError is thrown', async () => {
      nock(WECHAT_ORIGIN).post(c.path).query(true).reply(502, '<html>Bad Gateway</html>');

      const err = await c.call(client(), TOKEN).catch((e: unknown) => e);

      expect(err).toBeInstanceOf(WeChatTransportError);
      expect(err).toMatchObject({
        kind: 'http_status',
        httpStatus: 502,
        errcode: -1002,
        errorClass: 'transient',
      });
    });

    it('when WeChat does not answer within the timeout, then a transient timeout WeChatTransportError is thrown', async () => {
      nock(WECHAT_ORIGIN).post(c.path).query(true).delay(2000).reply(200, { errcode: 0 });

      const err = await c.call(client(), TOKEN).catch((e: unknown) => e);

      expect(err).toBeInstanceOf(WeChatTransportError);
      expect(err).toMatchObject({ kind: 'timeout', errcode: -1001, endpoint: c.path });
    });

    it('when the connection is reset, then a transient connection error with the socket code is thrown', async () => {
      nock(WECHAT_ORIGIN)
        .post(c.path)
        .query(true)
        .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));

      const err = await c.call(client(), TOKEN).catch((e: unknown) => e);

      expect(err).toMatchObject({ kind: 'connection', networkCode: 'ECONNRESET', errcode: -1003 });
    });

    it.each([
      ['an empty body', ''],
      ['an HTML page', '<html>maintenance</html>'],
      ['a non-numeric errcode', '{"errcode":"oops"}'],
    ])(
      'when HTTP 200 carries %s, then a transient invalid_body error is thrown',
      async (_n, body) => {
        nock(WECHAT_ORIGIN).post(c.path).query(true).reply(200, body, TEXT_PLAIN);

        const err = await c.call(client(), TOKEN).catch((e: unknown) => e);

        expect(err).toMatchObject({
          kind: 'invalid_body',
          errcode: -1004,
          errorClass: 'transient',
        });
      },
    );
  });
});
