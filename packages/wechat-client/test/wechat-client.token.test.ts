import { describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { WeChatApiError, WeChatTransportError } from '../src';
import { APP_ID, SECRET, TEXT_PLAIN, WECHAT_ORIGIN, useNockedClient } from './helpers/nock-wechat';

describe('WeChatClient', () => {
  const client = useNockedClient();

  describe('getClassicToken', () => {
    const query = { grant_type: 'client_credential', appid: APP_ID, secret: SECRET };

    it('when WeChat answers a token, then it is returned with the expires_in WeChat stated', async () => {
      const scope = nock(WECHAT_ORIGIN)
        .get('/cgi-bin/token')
        .query(query)
        .reply(200, '{"access_token":"CLASSIC_TOKEN_abcdef","expires_in":5400}', TEXT_PLAIN);

      const result = await client().getClassicToken(APP_ID, SECRET);

      expect(result).toEqual({ accessToken: 'CLASSIC_TOKEN_abcdef', expiresIn: 5400 });
      expect(scope.isDone()).toBe(true);
    });

    it('when the secret is wrong (40001 on /token), then a config-class WeChatApiError is thrown', async () => {
      nock(WECHAT_ORIGIN)
        .get('/cgi-bin/token')
        .query(true)
        .reply(200, { errcode: 40001, errmsg: 'invalid credential rid: 1a-2b' });

      const err = await client()
        .getClassicToken(APP_ID, SECRET)
        .catch((e: unknown) => e);

      expect(err).toBeInstanceOf(WeChatApiError);
      expect(err).toMatchObject({
        errcode: 40001,
        errorClass: 'config',
        endpoint: '/cgi-bin/token',
        method: 'GET',
      });
    });

    it('when the server IP is not whitelisted (40164), then a config-class error is thrown', async () => {
      nock(WECHAT_ORIGIN)
        .get('/cgi-bin/token')
        .query(true)
        .reply(200, { errcode: 40164, errmsg: 'invalid ip' });

      const err = await client()
        .getClassicToken(APP_ID, SECRET)
        .catch((e: unknown) => e);

      expect(err).toMatchObject({ errcode: 40164, errorClass: 'config' });
    });

    it('when WeChat answers HTTP 503, then a transient http_status error is thrown', async () => {
      nock(WECHAT_ORIGIN).get('/cgi-bin/token').query(true).reply(503, 'busy');

      const err = await client()
        .getClassicToken(APP_ID, SECRET)
        .catch((e: unknown) => e);

      expect(err).toMatchObject({ kind: 'http_status', httpStatus: 503, errorClass: 'transient' });
    });

    it('when WeChat does not answer in time, then a transient timeout error is thrown', async () => {
      nock(WECHAT_ORIGIN).get('/cgi-bin/token').query(true).delay(2000).reply(200, {});

      const err = await client()
        .getClassicToken(APP_ID, SECRET)
        .catch((e: unknown) => e);

      expect(err).toBeInstanceOf(WeChatTransportError);
      expect(err).toMatchObject({ kind: 'timeout' });
    });

    it.each([
      ['no expires_in', '{"access_token":"T_abcdefgh"}'],
      ['a zero expires_in', '{"access_token":"T_abcdefgh","expires_in":0}'],
      ['no access_token', '{"expires_in":7200}'],
      ['an empty body (seen on bad credentials)', ''],
    ])(
      'when the token answer has %s, then a transient invalid_body error is thrown',
      async (_n, body) => {
        nock(WECHAT_ORIGIN).get('/cgi-bin/token').query(true).reply(200, body, TEXT_PLAIN);

        const err = await client()
          .getClassicToken(APP_ID, SECRET)
          .catch((e: unknown) => e);

        expect(err).toMatchObject({ kind: 'invalid_body', errorClass: 'transient' });
      },
    );
  });

  describe('getStableToken', () => {
    it('when called without forceRefresh, then it POSTs force_refresh=false and returns the token', async () => {
      const scope = nock(WECHAT_ORIGIN)
        .post('/cgi-bin/stable_token', {
          grant_type: 'client_credential',
          appid: APP_ID,
          secret: SECRET,
          force_refresh: false,
        })
        .reply(200, '{"access_token":"STABLE_TOKEN_abcdef","expires_in":345}', TEXT_PLAIN);

      const result = await client().getStableToken(APP_ID, SECRET);

      expect(result).toEqual({ accessToken: 'STABLE_TOKEN_abcdef', expiresIn: 345 });
      expect(scope.isDone()).toBe(true);
    });

    it('when an operator asks for forceRefresh, then force_refresh=true is sent', async () => {
      const scope = nock(WECHAT_ORIGIN)
        .post('/cgi-bin/stable_token', (b: { force_refresh?: unknown }) => b.force_refresh === true)
        .reply(200, { access_token: 'STABLE_TOKEN_forced', expires_in: 7200 });

      await client().getStableToken(APP_ID, SECRET, true);

      expect(scope.isDone()).toBe(true);
    });

    it('when the secret is invalid (40125), then a config-class error naming the endpoint is thrown', async () => {
      nock(WECHAT_ORIGIN)
        .post('/cgi-bin/stable_token')
        .reply(200, { errcode: 40125, errmsg: 'invalid appsecret rid: 64f0-aa11' });

      const err = await client()
        .getStableToken(APP_ID, SECRET)
        .catch((e: unknown) => e);

      expect(err).toMatchObject({
        errcode: 40125,
        errorClass: 'config',
        endpoint: '/cgi-bin/stable_token',
        rid: '64f0-aa11',
      });
    });

    it('when the daily quota is spent (45009), then a rate_daily error is thrown', async () => {
      nock(WECHAT_ORIGIN)
        .post('/cgi-bin/stable_token')
        .reply(200, { errcode: 45009, errmsg: 'reach max api daily quota limit' });

      const err = await client()
        .getStableToken(APP_ID, SECRET)
        .catch((e: unknown) => e);

      expect(err).toMatchObject({ errcode: 45009, errorClass: 'rate_daily' });
    });

    it('when WeChat is busy (-1), then a transient WeChatApiError is thrown', async () => {
      nock(WECHAT_ORIGIN)
        .post('/cgi-bin/stable_token')
        .reply(200, { errcode: -1, errmsg: 'system error' });

      const err = await client()
        .getStableToken(APP_ID, SECRET)
        .catch((e: unknown) => e);

      expect(err).toBeInstanceOf(WeChatApiError);
      expect(err).toMatchObject({ errcode: -1, errorClass: 'transient' });
    });

    it('when WeChat answers HTTP 500, then a transient http_status error is thrown', async () => {
      nock(WECHAT_ORIGIN).post('/cgi-bin/stable_token').reply(500);

      const err = await client()
        .getStableToken(APP_ID, SECRET)
        .catch((e: unknown) => e);

      expect(err).toMatchObject({ kind: 'http_status', httpStatus: 500 });
    });

    it('when WeChat does not answer in time, then a transient timeout error is thrown', async () => {
      nock(WECHAT_ORIGIN).post('/cgi-bin/stable_token').delay(2000).reply(200, {});

      const err = await client()
        .getStableToken(APP_ID, SECRET)
        .catch((e: unknown) => e);

      expect(err).toMatchObject({ kind: 'timeout', errcode: -1001 });
    });
  });
});
