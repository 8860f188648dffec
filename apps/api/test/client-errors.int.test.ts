import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import type { Logger } from '@wechat-dispatch/shared';
import { APP_ID, ORDERS_KEY, bearer, startTestApi, type TestApi } from './helpers/test-api';
import { templateBody } from './helpers/messages';

/*
 * Requests a client can make that are wrong — a path or a body that does not decode — are 4xx
 * answers, never a 500 with an error-level log line and a stack trace (#18, findings 5 and 11).
 */

/** superagent would send a Buffer as JSON (`{"type":"Buffer",…}`) under a JSON type: as it is. */
const asIs = (body: unknown) => body as string;

/** A gzip body cut in half: its header is right, its end is missing. */
const TRUNCATED_GZIP = (() => {
  const whole = gzipSync(JSON.stringify(templateBody()));
  return whole.subarray(0, Math.floor(whole.length / 2));
})();

describe('requests that do not decode', () => {
  let api: TestApi;
  let errorLines: jest.SpiedFunction<Logger['error']>;

  beforeAll(async () => {
    api = await startTestApi({ eventTokens: [{ appId: APP_ID, token: 'eventToken1' }] });
    errorLines = jest.spyOn(api.runtime.deps.logger, 'error');
  });

  afterEach(() => {
    errorLines.mockClear();
  });

  afterAll(async () => {
    errorLines.mockRestore();
    await api.close();
  });

  describe('a path whose percent-encoding does not decode', () => {
    it.each([
      ['get', '/wechat/events/%E0%A4%A'],
      ['get', '/v1/messages/%E0%A4%A'],
      ['delete', '/v1/messages/%FF'],
      ['post', '/v1/dead-letters/%FF/redrive'],
    ] as const)(
      'when %s %s is asked, then it is a 400 invalid_path with no stack and no error line',
      async (method, path) => {
        const res = await request(api.app)
          [method](path)
          .set(bearer(ORDERS_KEY))
          .set('X-Request-Id', 'req-bad-path');

        expect(res.status).toBe(400);
        expect(res.body).toEqual({
          error: {
            code: 'invalid_path',
            message: 'The path is not valid percent-encoding',
            requestId: 'req-bad-path',
          },
        });
        expect(res.text).not.toMatch(/URIError|at /);
        expect(errorLines).not.toHaveBeenCalled();
      },
    );
  });

  describe('a body whose Content-Encoding does not decode', () => {
    it.each([
      ['/v1/messages', 'gzip', Buffer.from('{"type":"template"}')],
      ['/v1/messages', 'gzip', TRUNCATED_GZIP],
      ['/v1/messages', 'deflate', Buffer.from('not deflated')],
      ['/v1/messages', 'br', Buffer.from('not brotli')],
      ['/v1/messages/batch', 'gzip', Buffer.from('{"messages":[]}')],
    ])(
      'when POST %s has a %s body that is not, then it is a 400 invalid_content_encoding and nothing is stored',
      async (path, encoding, body) => {
        const before = await api.storedKeys();

        const res = await request(api.app)
          .post(path)
          .set(bearer(ORDERS_KEY))
          .set('Content-Type', 'application/json')
          .set('Content-Encoding', encoding)
          .serialize(asIs)
          .send(body);

        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({
          error: {
            code: 'invalid_content_encoding',
            message: 'The body does not decode as its Content-Encoding says',
          },
        });
        expect(errorLines).not.toHaveBeenCalled();
        expect(await api.storedKeys()).toEqual(before);
      },
    );

    it.each(['template/send', 'subscribe/send', 'subscribe/bizsend'])(
      'when the compat route %s gets one, then WeChat’s data format error 47001 answers, not -1',
      async (route) => {
        const res = await request(api.app)
          .post(`/cgi-bin/message/${route}?access_token=${ORDERS_KEY}`)
          .set('Content-Type', 'application/json')
          .set('Content-Encoding', 'gzip')
          .serialize(asIs)
          .send(Buffer.from('{"touser":"oUser0001"}'));

        expect(res.status).toBe(200);
        expect(res.body).toEqual({
          errcode: 47001,
          errmsg: 'data format error: The body does not decode as its Content-Encoding says',
        });
        expect(errorLines).not.toHaveBeenCalled();
      },
    );

    it('when WeChat’s event URL gets one, which needs no credential, then it is a 400 and no error line', async () => {
      const res = await request(api.app)
        .post(`/wechat/events/${APP_ID}?signature=x&timestamp=1&nonce=1`)
        .set('Content-Type', 'text/xml')
        .set('Content-Encoding', 'gzip')
        .send('<xml/>');

      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: { code: 'invalid_content_encoding' } });
      expect(errorLines).not.toHaveBeenCalled();
    });

    it('when the body is real gzip, then it is decoded and accepted as before', async () => {
      const res = await request(api.app)
        .post('/v1/messages')
        .set(bearer(ORDERS_KEY))
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', 'gzip')
        .serialize(asIs)
        .send(gzipSync(JSON.stringify(templateBody())));

      expect(res.status).toBe(202);
    });
  });
});
