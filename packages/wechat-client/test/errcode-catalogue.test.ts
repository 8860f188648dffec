import { describe, expect, it } from '@jest/globals';
import {
  classifyErrcode,
  ERRCODE_CATALOGUE,
  OPEN_PLATFORM_ERRCODES,
  TRANSPORT_ERRCODES,
  type ErrcodeClass,
} from '../src/errors/errcode-catalogue';

// [errcode, class on a send, class on a token endpoint] — one row per code of wechat-facts §6.
const ROWS: [number, ErrcodeClass, ErrcodeClass][] = [
  [-1, 'transient', 'transient'],
  [TRANSPORT_ERRCODES.timeout, 'transient', 'transient'],
  [TRANSPORT_ERRCODES.http_status, 'transient', 'transient'],
  [TRANSPORT_ERRCODES.connection, 'transient', 'transient'],
  [TRANSPORT_ERRCODES.invalid_body, 'transient', 'transient'],
  // Open Platform (#21): our pseudo-codes for what a component cannot do yet, and WeChat's
  // refusal of an authorizer_refresh_token — configuration to fix, never retried in a loop.
  [OPEN_PLATFORM_ERRCODES.ticketMissing, 'config', 'config'],
  [OPEN_PLATFORM_ERRCODES.notAuthorized, 'config', 'config'],
  [OPEN_PLATFORM_ERRCODES.unknownComponent, 'config', 'config'],
  [61023, 'config', 'config'],
  [40001, 'token', 'config'],
  [40014, 'token', 'config'],
  [41001, 'token', 'config'],
  [42001, 'token', 'config'],
  [45009, 'rate_daily', 'rate_daily'],
  [45011, 'rate_minute', 'rate_minute'],
  [40002, 'permanent', 'config'],
  [40013, 'permanent', 'config'],
  [40125, 'permanent', 'config'],
  [40164, 'config', 'config'],
  [41002, 'permanent', 'config'],
  [41004, 'permanent', 'config'],
  [43002, 'permanent', 'config'],
  [89503, 'config', 'config'],
  [40003, 'permanent', 'config'],
  [40036, 'permanent', 'config'],
  [40037, 'permanent', 'config'],
  [40165, 'permanent', 'config'],
  [41030, 'permanent', 'config'],
  [43004, 'permanent', 'config'],
  [43101, 'permanent', 'config'],
  [45047, 'permanent', 'config'],
  [45103, 'permanent', 'config'],
  [45109, 'permanent', 'config'],
  [47001, 'permanent', 'config'],
  [47003, 'permanent', 'config'],
  [48001, 'permanent', 'config'],
  [48006, 'permanent', 'config'],
];

describe('classifyErrcode', () => {
  describe('send endpoint', () => {
    it.each(ROWS)('when a send answers errcode %i, then the class is %s', (errcode, send) => {
      // Arrange: the row. Act
      const result = classifyErrcode(errcode, 'send');

      // Assert
      expect(result).toBe(send);
    });

    it('when a send answers an errcode outside the catalogue, then it is permanent', () => {
      const result = classifyErrcode(99999, 'send');

      expect(result).toBe('permanent');
    });
  });

  describe('token endpoint', () => {
    it.each(ROWS)(
      'when a token endpoint answers errcode %i, then the class is %s',
      (errcode, _s, token) => {
        const result = classifyErrcode(errcode, 'token');

        expect(result).toBe(token);
      },
    );

    it('when a token endpoint answers an unknown errcode, then it is config (messages wait, never dead-letter)', () => {
      const result = classifyErrcode(99999, 'token');

      expect(result).toBe('config');
    });
  });

  describe('catalogue', () => {
    it('when the table is compared with the tested rows, then every catalogue code has a test row', () => {
      const tested = new Set(ROWS.map(([code]) => code));

      const untested = [...ERRCODE_CATALOGUE.keys()].filter((code) => !tested.has(code));

      expect(untested).toEqual([]);
    });
  });
});
