import { describe, expect, it } from '@jest/globals';
import nock from 'nock';
import type { WeChatClient } from '../src';
import { captureLogger } from './helpers/capture-logger';
import { APP_ID, SECRET, TOKEN, WECHAT_ORIGIN, useNockedClient } from './helpers/nock-wechat';

const SEND = '/cgi-bin/message/template/send';

type Failure = [name: string, arrange: () => void, act: (c: WeChatClient) => Promise<unknown>];

const send = (c: WeChatClient): Promise<unknown> =>
  c.sendTemplate(TOKEN, { touser: 'oUser', template_id: 'T', data: {}, client_msg_id: 'm1' });
const classic = (c: WeChatClient): Promise<unknown> => c.getClassicToken(APP_ID, SECRET);
const stable = (c: WeChatClient): Promise<unknown> => c.getStableToken(APP_ID, SECRET);

const FAILURES: Failure[] = [
  [
    'send timeout',
    () => nock(WECHAT_ORIGIN).post(SEND).query(true).delay(2000).reply(200, {}),
    send,
  ],
  [
    'send connection reset',
    () =>
      nock(WECHAT_ORIGIN)
        .post(SEND)
        .query(true)
        .replyWithError(
          Object.assign(new Error(`reset ${WECHAT_ORIGIN}${SEND}?access_token=${TOKEN}`), {
            code: 'ECONNRESET',
          }),
        ),
    send,
  ],
  [
    'send HTTP 500',
    () => nock(WECHAT_ORIGIN).post(SEND).query(true).reply(500, `oops access_token=${TOKEN}`),
    send,
  ],
  [
    'send non-JSON body',
    () => nock(WECHAT_ORIGIN).post(SEND).query(true).reply(200, `<p>${TOKEN}</p>`),
    send,
  ],
  [
    'send errcode echoing the token',
    () =>
      nock(WECHAT_ORIGIN)
        .post(SEND)
        .query(true)
        .reply(200, {
          errcode: 40001,
          errmsg: `invalid credential ${TOKEN} access_token=${TOKEN} rid: 1-2`,
        }),
    send,
  ],
  [
    'classic token timeout',
    () => nock(WECHAT_ORIGIN).get('/cgi-bin/token').query(true).delay(2000).reply(200, {}),
    classic,
  ],
  [
    'classic token reset',
    () =>
      nock(WECHAT_ORIGIN)
        .get('/cgi-bin/token')
        .query(true)
        .replyWithError(Object.assign(new Error(`reset ${SECRET}`), { code: 'ECONNRESET' })),
    classic,
  ],
  [
    'classic token 500',
    () => nock(WECHAT_ORIGIN).get('/cgi-bin/token').query(true).reply(500, SECRET),
    classic,
  ],
  [
    'classic token errcode echoing the secret',
    () =>
      nock(WECHAT_ORIGIN)
        .get('/cgi-bin/token')
        .query(true)
        .reply(200, { errcode: 40125, errmsg: `bad secret ${SECRET}` }),
    classic,
  ],
  [
    'stable token non-JSON',
    () => nock(WECHAT_ORIGIN).post('/cgi-bin/stable_token').reply(200, `x${SECRET}`),
    stable,
  ],
  [
    'stable token timeout',
    () => nock(WECHAT_ORIGIN).post('/cgi-bin/stable_token').delay(2000).reply(200, {}),
    stable,
  ],
];

describe('WeChatClient', () => {
  const client = useNockedClient();

  describe('errors', () => {
    it.each(FAILURES)(
      'when the call fails with %s, then neither the error nor the log holds the token or secret',
      async (_n, arrange, act) => {
        arrange();
        const captured = captureLogger();

        const err = await act(client()).catch((e: unknown) => e);
        captured.logger.error('send failed', { err });
        captured.logger.warn('send failed again', err as object);

        expect(err).toBeInstanceOf(Error);
        const e = err as Error;
        const surfaces = [
          e.message,
          JSON.stringify(e),
          String(e.stack),
          JSON.stringify(
            Object.getOwnPropertyNames(e).map((k) => [
              k,
              (e as unknown as Record<string, unknown>)[k],
            ]),
          ),
          String(e.cause),
          captured.text(),
        ];
        for (const surface of surfaces) {
          expect(surface).not.toContain(TOKEN);
          expect(surface).not.toContain(SECRET);
          expect(surface).not.toMatch(/access_token=(?!\[REDACTED\])/);
        }
        expect(e.cause).toBeUndefined();
        expect(captured.lines.length).toBe(2);
      },
    );
  });
});
