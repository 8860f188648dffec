import { describe, expect, it } from '@jest/globals';
import { idToString, parseWeChatBody } from '../src/http/parse-body';

describe('parseWeChatBody', () => {
  describe('msgid', () => {
    it('when msgid is a 19-digit integer, then it is kept as a string with every digit', () => {
      const raw = '{"errcode":0,"errmsg":"ok","msgid":3487542469355618313}';

      const body = parseWeChatBody(raw);

      expect(body?.msgid).toBe('3487542469355618313');
      expect(idToString(body?.msgid)).toBe('3487542469355618313');
    });

    it('when msgid is the largest 64-bit integer, then no digit is lost', () => {
      const body = parseWeChatBody('{"msgid":18446744073709551615}');

      expect(idToString(body?.msgid)).toBe('18446744073709551615');
    });

    it('when msgid is small, then it becomes the same digits as a string', () => {
      const body = parseWeChatBody('{"errcode":0,"msgid":200228332}');

      expect(body?.errcode).toBe(0);
      expect(idToString(body?.msgid)).toBe('200228332');
    });
  });

  describe('the success answer of a send (read without a JSON parser)', () => {
    it.each([
      ['as WeChat writes it', '{"errcode":0,"errmsg":"ok","msgid":3487542469355618313}'],
      ['with whitespace', '{ "errcode" : 0,\n  "errmsg": "ok", "msgid": 3487542469355618313 }'],
      ['with a small msgid', '{"errcode":0,"errmsg":"ok","msgid":200228332}'],
      ['with msgid 0', '{"errcode":0,"errmsg":"ok","msgid":0}'],
      ['with the keys in another order', '{"msgid":3487542469355618313,"errcode":0,"errmsg":"ok"}'],
    ])('when it is %s, then it parses as any JSON body would', (_name, raw) => {
      const body = parseWeChatBody(raw);

      expect(body).toEqual(JSON.parse(raw.replace(/(\d{16,})/, '"$1"')));
    });

    it('when the msgid has a leading zero (not JSON), then the body is rejected', () => {
      expect(parseWeChatBody('{"errcode":0,"errmsg":"ok","msgid":0123}')).toBeUndefined();
    });
  });

  describe('bodies that are not JSON objects', () => {
    it.each([
      ['empty', ''],
      ['whitespace', ' \n '],
      ['HTML', '<html>502 Bad Gateway</html>'],
      ['truncated JSON', '{"errcode":0,'],
      ['an array', '[1,2]'],
      ['a number', '42'],
      ['null', 'null'],
    ])('when the body is %s, then it is rejected', (_name, raw) => {
      const body = parseWeChatBody(raw);

      expect(body).toBeUndefined();
    });

    it('when the data is not a string, then it is rejected', () => {
      expect(parseWeChatBody(undefined)).toBeUndefined();
      expect(parseWeChatBody(Buffer.from('{}'))).toBeUndefined();
    });
  });
});
