import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSandbox, type SandboxHandle } from '@wechat-dispatch/sandbox';
import { DEFAULT_PROXY_PATHS } from '../src/config';
import { APP_ID, OTHER_APP_ID, startTestApi, type TestApi } from './helpers/test-api';

const SECRET_A = 'proxy-secret-a-00000000000000001';
const SECRET_B = 'proxy-secret-b-00000000000000002';
const OPENID = 'oProxyUser000000000000000001';

/** Real token fetches the sandbox saw for an app, both endpoints. */
function tokenFetches(sandbox: SandboxHandle, appId: string): number {
  const row = sandbox.stats().tokenCalls[appId];
  return row ? row.token + row.stable_token : 0;
}

/** `count` concurrent GETs of `url` from a separate Node process; its answers' errcodes. */
function clientProcess(url: string, count: number): Promise<Record<string, number>> {
  const script = `
    const url = ${JSON.stringify(url)};
    Promise.all(Array.from({ length: ${count} }, () => fetch(url).then((r) => r.json())))
      .then((answers) => {
        const codes = {};
        for (const a of answers) codes[a.errcode ?? (a.subscribe === 1 ? 'ok' : 'other')] = (codes[a.errcode ?? (a.subscribe === 1 ? 'ok' : 'other')] ?? 0) + 1;
        process.stdout.write(JSON.stringify(codes));
      });
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out) as Record<string, number>)
        : reject(new Error(`exit ${code}`)),
    );
  });
}

describe('the central token proxy', () => {
  let sandbox: SandboxHandle;
  let api: TestApi;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    sandbox = await startSandbox({
      apps: [
        { appId: APP_ID, appSecret: SECRET_A },
        { appId: OTHER_APP_ID, appSecret: SECRET_B },
      ],
    });
    api = await startTestApi({
      appIds: [APP_ID, OTHER_APP_ID],
      appSecrets: [
        { appId: APP_ID, appSecret: SECRET_A },
        { appId: OTHER_APP_ID, appSecret: SECRET_B },
      ],
      rateLimitPerMin: 0,
      wechatProxy: {
        apps: 'all',
        apiBase: sandbox.url,
        timeoutMs: 5000,
        allowedPrefixes: DEFAULT_PROXY_PATHS,
      },
    });
    server = createServer(api.app).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await api.close();
    await sandbox.close();
  });

  const dispatchToken = async (appId: string, secret: string) => {
    const res = await fetch(
      `${base}/cgi-bin/token?grant_type=client_credential&appid=${appId}&secret=${secret}`,
    );
    return ((await res.json()) as { access_token: string }).access_token;
  };

  it('when four client processes make 1,000 concurrent user-info calls, then all succeed on exactly one real token fetch', async () => {
    const token = await dispatchToken(OTHER_APP_ID, SECRET_B);
    const url = `${base}/cgi-bin/user/info?access_token=${token}&openid=${OPENID}&lang=zh_CN`;

    const results = await Promise.all([0, 1, 2, 3].map(() => clientProcess(url, 250)));

    expect(results).toEqual([{ ok: 250 }, { ok: 250 }, { ok: 250 }, { ok: 250 }]);
    expect(tokenFetches(sandbox, OTHER_APP_ID)).toBe(1);
    expect(sandbox.stats().otherCalls[OTHER_APP_ID]?.user_info).toBe(1000);
  });

  it('when WeChat answers 40001 once, then the proxy refetches once, retries once and the caller sees success', async () => {
    const token = await dispatchToken(APP_ID, SECRET_A);
    const first = await fetch(`${base}/cgi-bin/menu/get?access_token=${token}`);
    expect(((await first.json()) as { menu?: unknown }).menu).toBeDefined();
    const fetchesBefore = tokenFetches(sandbox, APP_ID);
    const callsBefore = sandbox.stats().otherCalls[APP_ID]?.user_info ?? 0;
    sandbox.addFault({ match: { api: 'user_info', appid: APP_ID }, action: { errcode: 40001 } });

    const res = await fetch(`${base}/cgi-bin/user/info?access_token=${token}&openid=${OPENID}`);

    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ subscribe: 1, openid: OPENID });
    expect(tokenFetches(sandbox, APP_ID) - fetchesBefore).toBe(1);
    expect((sandbox.stats().otherCalls[APP_ID]?.user_info ?? 0) - callsBefore).toBe(2);
  });

  it('when a POST body and WeChat’s answer go through, then both are unchanged', async () => {
    const token = await dispatchToken(APP_ID, SECRET_A);
    const body = JSON.stringify({
      expire_seconds: 600,
      action_name: 'QR_STR_SCENE',
      action_info: { scene: { scene_str: 'x' } },
    });

    const res = await fetch(`${base}/cgi-bin/qrcode/create?access_token=${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });

    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toEqual({
      ticket: expect.any(String),
      url: expect.any(String),
      expire_seconds: 600,
    });
  });

  it('when a path is outside the allow-list or the token is unknown, then it is refused without reaching WeChat', async () => {
    const token = await dispatchToken(APP_ID, SECRET_A);
    const before = sandbox.stats();

    const outside = await fetch(`${base}/cgi-bin/component/api_query_auth?access_token=${token}`);
    const unknown = await fetch(
      `${base}/cgi-bin/user/info?access_token=wxdt_nope&openid=${OPENID}`,
    );

    expect(await outside.json()).toMatchObject({ errcode: 48001 });
    expect(await unknown.json()).toMatchObject({ errcode: 40001 });
    expect(sandbox.stats().otherCalls).toEqual(before.otherCalls);
  });

  it('when the real token never leaves the service, then no answer carries the sandbox token', async () => {
    const token = await dispatchToken(APP_ID, SECRET_A);
    const real = [...sandbox.state.tokens['byToken'].keys()] as string[];

    const res = await fetch(`${base}/cgi-bin/user/info?access_token=${token}&openid=${OPENID}`);
    const text = await res.text();

    expect(real.length).toBeGreaterThan(0);
    expect(real.some((t) => text.includes(t) || token.includes(t))).toBe(false);
  });
});
