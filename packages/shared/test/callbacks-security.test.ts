import { describe, expect, it } from '@jest/globals';
import {
  SsrfBlockedError,
  SsrfGuard,
  eventTokensEnv,
  signCallback,
  verifyCallbackSignature,
} from '../src';
import { callbackAllowlistEnv } from '../src/config/event-env-schemas';
import { isBlockedAddress } from '../src/net/ssrf-guard';

describe('isBlockedAddress', () => {
  it.each([
    '127.0.0.1',
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    'fd00::1',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
  ])('when the address is %s, then it is blocked', (ip) => {
    expect(isBlockedAddress(ip)).toBe(true);
  });

  it.each(['93.184.215.14', '8.8.8.8', '2606:4700::1111'])(
    'when the address is %s, then it is allowed',
    (ip) => {
      expect(isBlockedAddress(ip)).toBe(false);
    },
  );
});

describe('SsrfGuard', () => {
  const resolveTo = (ips: string[]) => () => Promise.resolve(ips);

  it('when a name resolves to a private address, then checkUrl refuses it', async () => {
    const guard = new SsrfGuard([], resolveTo(['10.0.0.8']));

    await expect(guard.checkUrl('https://internal.example/hook')).rejects.toBeInstanceOf(
      SsrfBlockedError,
    );
  });

  it('when the URL is http to a public host, then it is refused (https only)', async () => {
    const guard = new SsrfGuard([], resolveTo(['93.184.215.14']));

    await expect(guard.checkUrl('http://example.com/hook')).rejects.toThrow('https');
  });

  it('when the private address is inside an allow-listed CIDR, then http to it is accepted', async () => {
    const guard = new SsrfGuard(['10.0.0.0/8'], resolveTo(['10.0.0.8']));

    await expect(guard.checkUrl('http://10.0.0.8:8080/hook')).resolves.toBeInstanceOf(URL);
  });
});

describe('callback signature', () => {
  it('when the body and secret match within the tolerance, then it verifies; otherwise not', () => {
    const body = '{"event":"message.sent"}';
    const header = signCallback('s3cret-s3cret-s3cret', body, 1_700_000_000);

    expect(header).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/);
    expect(verifyCallbackSignature('s3cret-s3cret-s3cret', header, body, 1_700_000_100)).toBe(true);
    expect(verifyCallbackSignature('s3cret-s3cret-s3cret', header, `${body} `, 1_700_000_100)).toBe(
      false,
    );
    expect(verifyCallbackSignature('other-secret-000000', header, body, 1_700_000_100)).toBe(false);
    expect(verifyCallbackSignature('s3cret-s3cret-s3cret', header, body, 1_700_000_301)).toBe(
      false,
    );
  });
});

describe('event env schemas', () => {
  it('when WECHAT_EVENT_TOKENS has a key, then it is parsed per app', () => {
    const key = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

    expect(eventTokensEnv.parse(`wx1:tok123:${key},wx2:tok456`)).toEqual([
      { appId: 'wx1', token: 'tok123', encodingAESKey: key },
      { appId: 'wx2', token: 'tok456', encodingAESKey: undefined },
    ]);
    expect(eventTokensEnv.safeParse('wx1:t').success).toBe(false);
    expect(eventTokensEnv.parse(undefined)).toEqual([]);
  });

  it('when CALLBACK_ALLOWLIST holds hosts and CIDRs, then they are kept; garbage is refused', () => {
    expect(callbackAllowlistEnv.parse('Hooks.internal, 10.0.0.0/8')).toEqual([
      'hooks.internal',
      '10.0.0.0/8',
    ]);
    expect(callbackAllowlistEnv.safeParse('host/8').success).toBe(false);
  });
});
