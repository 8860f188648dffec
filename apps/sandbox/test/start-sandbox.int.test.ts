import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { startSandbox } from '@wechat-dispatch/sandbox';
import type { SandboxHandle } from '@wechat-dispatch/sandbox';
import { APP, OPENID } from './helpers/test-apps';

describe('startSandbox', () => {
  let sandbox: SandboxHandle;

  beforeAll(async () => {
    sandbox = await startSandbox({ apps: [APP] });
  });

  afterAll(async () => {
    await sandbox.close();
  });

  it('when started on port 0, then it serves a stable token and a send over real HTTP and counts them', async () => {
    const tokenRes = await fetch(`${sandbox.url}/cgi-bin/stable_token`, {
      method: 'POST',
      body: JSON.stringify({
        grant_type: 'client_credential',
        appid: APP.appId,
        secret: APP.appSecret,
      }),
    });
    const { access_token: token, expires_in: expiresIn } = (await tokenRes.json()) as {
      access_token: string;
      expires_in: number;
    };

    const sendRes = await fetch(
      `${sandbox.url}/cgi-bin/message/template/send?access_token=${token}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          touser: OPENID,
          template_id: 'TPL_x',
          data: { keyword1: { value: 'v' } },
        }),
      },
    );

    expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(expiresIn).toBe(7200);
    expect(await sendRes.text()).toMatch(/"errcode":0,"errmsg":"ok","msgid":\d{19}/);
    expect(sandbox.stats()).toMatchObject({
      tokenCalls: { [APP.appId]: { token: 0, stable_token: 1 } },
      sendCalls: { [APP.appId]: { template: 1, subscribe: 0, bizsend: 0 } },
      deliveries: 1,
    });
    expect(sandbox.messages({ touser: OPENID })).toHaveLength(1);
  });
});
