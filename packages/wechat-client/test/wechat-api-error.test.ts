import { describe, expect, it } from '@jest/globals';
import { isWeChatError, WeChatApiError, WeChatTransportError } from '../src';
import { parseRid } from '../src/errors/wechat-api-error';

describe('WeChatApiError', () => {
  describe('rid', () => {
    it('when errmsg ends with "rid: …", then rid is parsed', () => {
      const err = new WeChatApiError({
        errcode: 40001,
        errmsg:
          'invalid credential, access_token is invalid or not latest rid: 6543c9f6-0bb5ac23-1f5a0e3c',
        endpointKind: 'send',
        endpoint: '/cgi-bin/message/template/send',
        method: 'POST',
      });

      expect(err.rid).toBe('6543c9f6-0bb5ac23-1f5a0e3c');
      expect(err.errorClass).toBe('token');
    });

    it('when errmsg carries an older "hint: [...]", then it is used as rid', () => {
      expect(parseRid('invalid openid hint: [Kq3Bza0839e541]')).toBe('Kq3Bza0839e541');
    });

    it('when errmsg has no request id, then rid is undefined', () => {
      expect(parseRid('system error')).toBeUndefined();
    });
  });

  describe('serialization', () => {
    it('when serialized, then it carries errcode, errmsg, class and endpoint', () => {
      const err = new WeChatApiError({
        errcode: 43101,
        errmsg: 'user refuse to accept the msg rid: abc-1',
        endpointKind: 'send',
        endpoint: '/cgi-bin/message/subscribe/send',
        method: 'POST',
      });

      const json = JSON.parse(JSON.stringify(err)) as Record<string, unknown>;

      expect(json).toMatchObject({
        name: 'WeChatApiError',
        errcode: 43101,
        errorClass: 'permanent',
        endpoint: '/cgi-bin/message/subscribe/send',
        rid: 'abc-1',
      });
      expect(err).toBeInstanceOf(Error);
    });
  });
});

describe('WeChatTransportError', () => {
  describe('errcode', () => {
    it.each([
      ['timeout', -1001],
      ['http_status', -1002],
      ['connection', -1003],
      ['invalid_body', -1004],
    ] as const)(
      'when the kind is %s, then the pseudo-errcode is %i and the class transient',
      (kind, code) => {
        const err = new WeChatTransportError({ kind, endpoint: '/x', method: 'GET', detail: 'd' });

        expect(err.errcode).toBe(code);
        expect(err.errorClass).toBe('transient');
        expect(err.errmsg).toContain('GET /x');
      },
    );
  });
});

describe('isWeChatError', () => {
  describe('narrowing', () => {
    it('when given either error type, then true; otherwise false', () => {
      const api = new WeChatApiError({
        errcode: -1,
        errmsg: '',
        endpointKind: 'send',
        endpoint: '/',
        method: 'POST',
      });
      const transport = new WeChatTransportError({
        kind: 'timeout',
        endpoint: '/',
        method: 'POST',
        detail: 'd',
      });

      expect(isWeChatError(api)).toBe(true);
      expect(isWeChatError(transport)).toBe(true);
      expect(isWeChatError(new Error('x'))).toBe(false);
      expect(isWeChatError({ errcode: 1 })).toBe(false);
    });
  });
});
