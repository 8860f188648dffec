import { describe, it, expect, beforeAll, afterAll, beforeEach } from '@jest/globals';
import { startSandbox } from '@wechat-dispatch/sandbox';
import type { SandboxHandle } from '@wechat-dispatch/sandbox';
import { fakeClock } from './helpers/fake-clock';
import { APP, OPENID } from './helpers/test-apps';
import { fetchToken, postControl, postTemplate, TEMPLATE_BODY } from './helpers/http';

async function errcode(res: Response): Promise<number> {
  return ((await res.json()) as { errcode: number }).errcode;
}

describe('sandbox faults', () => {
  let sandbox: SandboxHandle;
  let token: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ apps: [APP] });
  });

  afterAll(async () => {
    await sandbox.close();
  });

  beforeEach(async () => {
    sandbox.reset();
    token = await fetchToken(sandbox);
  });

  it('when an errcode fault is scripted for 2 calls over HTTP, then exactly 2 sends fail and the third succeeds', async () => {
    const added = await postControl(sandbox, '/sandbox/faults', {
      match: { api: 'template' },
      times: 2,
      action: { errcode: -1 },
    });

    const codes = [];
    for (let i = 0; i < 3; i += 1) {
      codes.push(await errcode(await postTemplate(sandbox, token)));
    }

    expect(added.status).toBe(201);
    expect(codes).toEqual([-1, -1, 0]);
    expect(sandbox.stats()).toMatchObject({
      faultsApplied: 2,
      deliveries: 1,
      sendCalls: { [APP.appId]: { template: 3 } },
      // errcodes covers every WeChat route: the token fetch is one of the two zeros.
      errcodes: { '-1': 2, '0': 2 },
    });
  });

  it('when a fault matches one openid, then other users are unaffected', async () => {
    sandbox.addFault({ match: { touser: OPENID }, times: 'always', action: { errcode: 40003 } });

    const target = await errcode(await postTemplate(sandbox, token));
    const other = await errcode(
      await postTemplate(sandbox, token, {
        ...TEMPLATE_BODY,
        touser: 'oOther000000000000000000001',
      }),
    );
    const again = await errcode(await postTemplate(sandbox, token));

    expect([target, other, again]).toEqual([40003, 0, 40003]);
  });

  it('when an HTTP status fault is scripted, then the answer has that status and an HTML body', async () => {
    sandbox.addFault({ match: { api: 'template' }, action: { httpStatus: 503 } });

    const res = await postTemplate(sandbox, token);

    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('503');
  });

  it('when a raw body fault is scripted, then the body is not JSON and is labelled text/plain', async () => {
    sandbox.addFault({ action: { body: '<html>busy</html>' } });

    const res = await postTemplate(sandbox, token);

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain');
    expect(await res.text()).toBe('<html>busy</html>');
  });

  it('when only a content type is scripted, then the normal JSON answer comes as text/plain', async () => {
    sandbox.addFault({ action: { contentType: 'text/plain' } });

    const res = await postTemplate(sandbox, token);

    expect(res.headers.get('content-type')).toBe('text/plain');
    expect(await res.text()).toMatch(/^\{"errcode":0,"errmsg":"ok","msgid":\d{19}\}$/);
  });

  it('when a delay fault is longer than the client timeout, then the client times out and the next call is normal', async () => {
    sandbox.addFault({ action: { delayMs: 5_000 } });

    const slow = postTemplate(sandbox, token, TEMPLATE_BODY, { signal: AbortSignal.timeout(100) });
    await expect(slow).rejects.toThrow(/abort|timeout/i);
    const next = await errcode(await postTemplate(sandbox, token));

    expect(next).toBe(0);
  });

  it('when a hang fault is scripted, then no answer ever comes and the call stays open', async () => {
    sandbox.addFault({ action: { hang: true } });

    const hung = postTemplate(sandbox, token, TEMPLATE_BODY, { signal: AbortSignal.timeout(200) });

    await expect(hung).rejects.toThrow(/abort|timeout/i);
    expect(sandbox.messages()).toHaveLength(0);
  });

  it('when a reset fault is scripted, then the connection is reset', async () => {
    sandbox.addFault({ action: { reset: true } });

    const reset = postTemplate(sandbox, token);

    await expect(reset).rejects.toThrow(/fetch failed/);
    expect(sandbox.messages()).toHaveLength(0);
  });

  it('when deliver is set with a reset, then the message is recorded and a retry with the same client_msg_id gets the same msgid', async () => {
    sandbox.addFault({ match: { api: 'template' }, action: { reset: true, deliver: true } });
    const body = { ...TEMPLATE_BODY, client_msg_id: 'job-1' };

    await expect(postTemplate(sandbox, token, body)).rejects.toThrow(/fetch failed/);
    const retry = await postTemplate(sandbox, token, body);

    const text = await retry.text();
    expect(text).toContain(`"msgid":${sandbox.messages()[0]?.msgid}`);
    expect(sandbox.stats()).toMatchObject({ deliveries: 1, deduplicated: 1 });
  });

  it('when a fault targets /cgi-bin/token, then the token fetch fails while sends are unaffected', async () => {
    sandbox.addFault({
      match: { api: 'token', appid: APP.appId },
      action: { errcode: -1, errmsg: 'system error' },
    });

    const tokenRes = await fetch(
      `${sandbox.url}/cgi-bin/token?grant_type=client_credential&appid=${APP.appId}&secret=${APP.appSecret}`,
    );
    const send = await errcode(await postTemplate(sandbox, token));

    expect(await tokenRes.json()).toEqual({ errcode: -1, errmsg: 'system error' });
    expect(send).toBe(0);
  });

  it('when faults are listed and deleted over HTTP, then none remain', async () => {
    sandbox.addFault({ times: 'always', action: { errcode: -1 } });
    sandbox.addFault({ times: 3, action: { errcode: 45011 } });

    const listed = (await (await fetch(`${sandbox.url}/sandbox/faults`)).json()) as {
      id: number;
      remaining: unknown;
    }[];
    const one = await fetch(`${sandbox.url}/sandbox/faults/${listed[0]?.id}`, { method: 'DELETE' });
    const afterOne = sandbox.faults();
    await fetch(`${sandbox.url}/sandbox/faults`, { method: 'DELETE' });

    expect(listed.map((f) => f.remaining)).toEqual(['always', 3]);
    expect(one.status).toBe(200);
    expect(afterOne).toHaveLength(1);
    expect(sandbox.faults()).toEqual([]);
    expect(await errcode(await postTemplate(sandbox, token))).toBe(0);
  });

  it('when a fault is malformed, then the control API answers 400 naming the field', async () => {
    const res = await postControl(sandbox, '/sandbox/faults', { times: 0, action: { errcode: 1 } });

    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/times/);
  });

  it('when a global latency is set over HTTP, then sends still answer normally and the setting is reported', async () => {
    const config = await postControl(sandbox, '/sandbox/config', { latencyMs: 20 });

    const res = await errcode(await postTemplate(sandbox, token));

    expect(((await config.json()) as { latencyMs: number }).latencyMs).toBe(20);
    expect(res).toBe(0);
  });
});

describe('sandbox rate cap', () => {
  it('when an app passes its per-minute cap, then sends answer 45011 until the next minute, other apps unaffected', async () => {
    const clock = fakeClock(Date.UTC(2026, 10, 26, 2, 0, 0));
    const other = { appId: 'wx0000000000000009', appSecret: 's9' };
    const sandbox = await startSandbox({ apps: [APP, other], now: clock.now });
    try {
      const token = await fetchToken(sandbox);
      const otherToken = (
        (await (
          await fetch(
            `${sandbox.url}/cgi-bin/token?grant_type=client_credential&appid=${other.appId}&secret=s9`,
          )
        ).json()) as { access_token: string }
      ).access_token;
      await postControl(sandbox, '/sandbox/config', { rateCapPerMinute: { [APP.appId]: 2 } });

      const codes = [];
      for (let i = 0; i < 3; i += 1) {
        codes.push(await errcode(await postTemplate(sandbox, token)));
      }
      const otherApp = await errcode(await postTemplate(sandbox, otherToken));
      clock.advance(60_000);
      const nextMinute = await errcode(await postTemplate(sandbox, token));
      sandbox.configure({ rateCapPerMinute: { [APP.appId]: null } });

      expect(codes).toEqual([0, 0, 45011]);
      expect(otherApp).toBe(0);
      expect(nextMinute).toBe(0);
      expect(sandbox.settings().rateCapPerMinute).toEqual({});
    } finally {
      await sandbox.close();
    }
  });

  it('when an app passes its daily send quota, then sends answer 45009', async () => {
    const sandbox = await startSandbox({ apps: [APP], dailySendQuota: { [APP.appId]: 1 } });
    try {
      const token = await fetchToken(sandbox);

      const first = await errcode(await postTemplate(sandbox, token));
      const second = await errcode(await postTemplate(sandbox, token));

      expect([first, second]).toEqual([0, 45009]);
    } finally {
      await sandbox.close();
    }
  });
});
