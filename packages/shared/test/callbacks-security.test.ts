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
    // IPv6 forms that embed a blocked IPv4 address (issue #18, finding 4)
    '::ffff:7f00:1',
    '64:ff9b::7f00:1',
    '64:ff9b::a00:1',
    '64:ff9b:1::7f00:1',
    '64:ff9b:1:7f00:1::',
    '::7f00:1',
    '::ffff:0:7f00:1',
    '2002:7f00:1::',
    '2002:a9fe:a9fe::1',
    '2001:0:4136:e378:8000:63bf:80ff:fffe',
  ])('when the address is %s, then it is blocked', (ip) => {
    expect(isBlockedAddress(ip)).toBe(true);
  });

  it.each([
    '93.184.215.14',
    '8.8.8.8',
    '2606:4700::1111',
    '64:ff9b::808:808',
    '2002:808:808::1',
    '2001:0:4136:e378:8000:63bf:f7f7:f7f7',
  ])('when the address is %s, then it is allowed', (ip) => {
    expect(isBlockedAddress(ip)).toBe(false);
  });
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

describe('SsrfGuard allow-list scope (caller and port)', () => {
  const resolveTo = (ips: string[]) => () => Promise.resolve(ips);

  it('when an IPv6 literal embeds a loopback address, then checkUrl refuses it at enqueue', async () => {
    const guard = new SsrfGuard([], resolveTo([]));

    for (const host of [
      '[64:ff9b:1::7f00:1]',
      '[::7f00:1]',
      '[::ffff:0:7f00:1]',
      '[2002:7f00:1::]',
    ]) {
      await expect(guard.checkUrl(`https://${host}/hook`)).rejects.toBeInstanceOf(SsrfBlockedError);
    }
    await expect(
      guard.checkUrl('https://[2001:0:4136:e378:8000:63bf:80ff:fffe]/hook'),
    ).rejects.toBeInstanceOf(SsrfBlockedError);
  });

  it('when an unported entry lists loopback, then a protected port stays closed and others open', async () => {
    const guard = new SsrfGuard(['127.0.0.1'], resolveTo([]), [3000, 9100]);

    await expect(guard.checkUrl('http://127.0.0.1:9100/metrics')).rejects.toBeInstanceOf(
      SsrfBlockedError,
    );
    await expect(guard.checkUrl('http://127.0.0.1:3000/v1/messages')).rejects.toBeInstanceOf(
      SsrfBlockedError,
    );
    await expect(guard.checkUrl('http://127.0.0.1:8080/hook')).resolves.toBeInstanceOf(URL);
  });

  it('when an entry names a caller and a port, then only that caller reaches only that port', async () => {
    const guard = new SsrfGuard(
      ['orders@127.0.0.1:9100', 'shop@[::1]:8443'],
      resolveTo([]),
      [9100],
    );

    await expect(guard.checkUrl('http://127.0.0.1:9100/hook', 'orders')).resolves.toBeInstanceOf(
      URL,
    );
    await expect(guard.checkUrl('http://127.0.0.1:9100/hook', 'shop')).rejects.toBeInstanceOf(
      SsrfBlockedError,
    );
    await expect(guard.checkUrl('http://127.0.0.1:9101/hook', 'orders')).rejects.toBeInstanceOf(
      SsrfBlockedError,
    );
    await expect(guard.checkUrl('http://[::1]:8443/hook', 'shop')).resolves.toBeInstanceOf(URL);
    await expect(guard.checkUrl('http://[::1]:8443/hook', 'orders')).rejects.toBeInstanceOf(
      SsrfBlockedError,
    );
  });

  it('when a host entry is scoped to a caller, then another caller resolving it is judged by the address', async () => {
    const guard = new SsrfGuard(['orders@hooks.internal'], resolveTo(['10.0.0.8']));

    await expect(guard.checkUrl('http://hooks.internal/x', 'orders')).resolves.toBeInstanceOf(URL);
    await expect(guard.checkUrl('https://hooks.internal/x', 'shop')).rejects.toBeInstanceOf(
      SsrfBlockedError,
    );
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

  it('when CALLBACK_ALLOWLIST entries name a caller and a port, then they parse; bad ones are refused', () => {
    expect(
      callbackAllowlistEnv.parse('Orders@Hooks.Internal:8443, 10.0.0.0/8:80, [fd00::/8]:9000, ::1'),
    ).toEqual(['Orders@hooks.internal:8443', '10.0.0.0/8:80', '[fd00::/8]:9000', '::1']);
    for (const bad of ['a b@host', 'host:0', 'host:70000', '[::1]:x', '10.0.0.0/33']) {
      expect(callbackAllowlistEnv.safeParse(bad).success).toBe(false);
    }
  });
});
