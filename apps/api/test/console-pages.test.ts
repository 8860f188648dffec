import { describe, expect, it } from '@jest/globals';
import type { DeliveryRecord } from '@wechat-dispatch/core';
import { ConsoleCsrf } from '../src/http/console/console-csrf';
import { messagePage, searchPage } from '../src/http/console/console-pages';

const EVIL = '<script>alert(1)</script>"\'&';

const record: DeliveryRecord = {
  id: 'm-console-1',
  type: 'template',
  appId: 'wxconsole',
  toUser: EVIL,
  templateId: 'TPL',
  status: 'dead',
  attempts: 1,
  lastError: { errcode: 40003, errmsg: EVIL },
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:01.000Z',
  caller: 'orders',
  metadata: { orderId: EVIL },
  traceId: 't-1',
  history: [{ at: '2026-12-01T00:00:01.000Z', event: 'dead', errcode: 40003, errmsg: EVIL }],
};

describe('console pages', () => {
  it('when a record carries markup in caller-supplied fields, then the page shows it as text, never as markup', () => {
    const page = messagePage(record, () => 'invalid openid', 'redis', 'token-1');

    expect(page).not.toContain('<script>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('invalid openid');
    expect(page).toContain('name="csrf" value="token-1"');
  });

  it('when a search form is echoed, then its values are escaped in the inputs', () => {
    const page = searchPage({ toUser: '"><script>x</script>' }, { kind: 'none' });

    expect(page).not.toContain('<script>x');
    expect(page).toContain('value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"');
  });
});

describe('ConsoleCsrf', () => {
  const csrf = new ConsoleCsrf();
  const token = csrf.tokenFor('operator');
  const host = 'ops.internal:3000';

  it.each([
    ['the same origin', { origin: 'http://ops.internal:3000', host }, true],
    ['no Origin header (an older browser)', { host }, true],
    ['another origin', { origin: 'http://evil.example', host }, false],
    ['Origin: null', { origin: 'null', host }, false],
    ['a cross-site fetch', { host, secFetchSite: 'cross-site' }, false],
  ])('when a post comes with the token from %s (%j), then accepted is %s', (_name, headers, ok) => {
    expect(csrf.accepts('operator', token, headers)).toBe(ok);
  });

  it('when the token is another user’s or another process’s, then it is refused', () => {
    const origin = { origin: 'http://ops.internal:3000', host };
    expect(csrf.accepts('operator', csrf.tokenFor('someone-else'), origin)).toBe(false);
    expect(csrf.accepts('operator', new ConsoleCsrf().tokenFor('operator'), origin)).toBe(false);
    expect(csrf.accepts('operator', undefined, origin)).toBe(false);
  });
});
