import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSandbox, type SandboxHandle } from '@wechat-dispatch/sandbox';
import {
  TEST_REDIS_URL,
  uniquePrefix,
  waitFor,
  type RunningProcess,
} from '@wechat-dispatch/testkit';
import { startApiProcess, startWorkerProcess, type ApiProcess } from './helpers/processes';

/** The parts of Node's `wechat-api` 1.35 (npm, unchanged, untyped) this test calls. */
interface WeChatApiToken {
  accessToken: string;
  expireTime: number;
}
type Callback = (err: (Error & { code?: number }) | null, data: Record<string, unknown>) => void;
interface WeChatApi {
  endpoint: string;
  request(url: string, opts: unknown, callback: unknown): void;
  sendTemplate(openid: string, templateId: string, url: string, data: unknown, cb: Callback): void;
  getUser(options: { openid: string; lang: string }, cb: Callback): void;
  sendSubscribe(body: unknown, cb: Callback): void;
}
interface WeChatApiClass {
  new (
    appid: string,
    secret: string,
    getToken?: (cb: (err: null, token?: WeChatApiToken) => void) => void,
    saveToken?: (token: WeChatApiToken, cb: (err: null) => void) => void,
  ): WeChatApi;
  patch(name: string, url: string): void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const WechatAPI = require('wechat-api') as WeChatApiClass;

const APP_A = 'wxsdklegacy000001';
const APP_B = 'wxsdklegacy000002';
const SECRET_A = 'sdk-secret-a-000000000000000001';
const SECRET_B = 'sdk-secret-b-000000000000000002';
const OPS_KEY = 'sdk-ops-key-0000000000001';
const OPENID = 'oSdkUser00000000000000000001';

/** A call of the SDK, as a promise of its error and data. */
function call(
  run: (cb: Callback) => void,
): Promise<{ err: (Error & { code?: number }) | null; data: Record<string, unknown> }> {
  return new Promise((resolve) => run((err, data) => resolve({ err, data })));
}

/** An SDK client whose only change is its base URL; it counts the requests it makes, by path. */
function sdkClient(
  appid: string,
  secret: string,
  base: string,
  store?: { token?: WeChatApiToken },
): { api: WeChatApi; calls: string[] } {
  const api = store
    ? new WechatAPI(
        appid,
        secret,
        (cb) => cb(null, store.token),
        (token, cb) => {
          store.token = token;
          cb(null);
        },
      )
    : new WechatAPI(appid, secret);
  api.endpoint = base;
  const calls: string[] = [];
  const request = api.request.bind(api);
  api.request = (url, opts, callback) => {
    calls.push(new URL(url).pathname);
    request(url, opts, callback);
  };
  return { api, calls };
}

/**
 * Node's wechat-api (a devDependency, unchanged) against the real API and worker processes and
 * the sandbox as WeChat: only its base URL changes, it keeps its own appid and secret.
 */
describe('wechat-api 1.35 pointed at the API', () => {
  let sandbox: SandboxHandle;
  let api: ApiProcess;
  let worker: RunningProcess;

  beforeAll(async () => {
    sandbox = await startSandbox({
      apps: [
        { appId: APP_A, appSecret: SECRET_A },
        { appId: APP_B, appSecret: SECRET_B },
      ],
    });
    const common = {
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: uniquePrefix('sdk'),
      WECHAT_APPS: `${APP_A}:${SECRET_A},${APP_B}:${SECRET_B}`,
      WECHAT_API_BASE: sandbox.url,
    };
    [api, worker] = await Promise.all([
      startApiProcess({
        ...common,
        API_KEYS: `ops:${OPS_KEY}`,
        API_ADMIN_CALLERS: 'ops',
        WECHAT_PROXY: 'on',
        WECHAT_CONSENT_MODE: 'off',
      }),
      startWorkerProcess(common),
    ]);
    WechatAPI.patch('sendSubscribe', `${api.url}/cgi-bin/message/subscribe/send`);
  });

  afterAll(async () => {
    await Promise.all([api?.process.stop(), worker?.stop()]);
    await sandbox?.close();
  });

  const recordOf = async (msgid: unknown) =>
    (await (
      await fetch(`${api.url}/v1/messages/${String(msgid)}`, {
        headers: { authorization: `Bearer ${OPS_KEY}` },
      })
    ).json()) as { id: string; appId: string; status: string; wechatMsgId?: string };
  const sentRecordOf = async (msgid: unknown) => {
    await waitFor(async () => (await recordOf(msgid)).status === 'sent', {
      description: `message ${String(msgid)} sent`,
    });
    return recordOf(msgid);
  };

  it('when app A sends a template (url "") and app B a subscribe message from one process, then both reach the sandbox and the records agree', async () => {
    const a = sdkClient(APP_A, SECRET_A, api.url);
    const b = sdkClient(APP_B, SECRET_B, api.url);
    sandbox.grantConsent({ appid: APP_B, touser: OPENID, template_id: 'TPL_SDK_SUB' });

    const template = await call((cb) =>
      a.api.sendTemplate(OPENID, 'TPL_SDK_TEMPLATE', '', { thing1: { value: '已发货' } }, cb),
    );
    const subscribe = await call((cb) =>
      b.api.sendSubscribe(
        {
          touser: OPENID,
          template_id: 'TPL_SDK_SUB',
          page: '',
          data: { thing1: { value: '配送中' } },
        },
        cb,
      ),
    );

    expect(template.err).toBeNull();
    expect(template.data).toEqual({ errcode: 0, errmsg: 'ok', msgid: expect.any(Number) });
    expect(subscribe.err).toBeNull();
    expect(a.calls).toEqual(['/cgi-bin/token', '/cgi-bin/message/template/send']);
    expect(b.calls).toEqual(['/cgi-bin/token', '/cgi-bin/message/subscribe/send']);
    const recordA = await sentRecordOf(template.data.msgid);
    const recordB = await sentRecordOf(subscribe.data.msgid);
    const [inSandboxA] = sandbox.messages({ touser: OPENID }).filter((m) => m.appid === APP_A);
    const [inSandboxB] = sandbox.messages({ touser: OPENID }).filter((m) => m.appid === APP_B);
    expect(recordA).toMatchObject({ appId: APP_A, wechatMsgId: inSandboxA?.msgid });
    expect(recordB).toMatchObject({ appId: APP_B, wechatMsgId: inSandboxB?.msgid });
    expect(inSandboxA).toMatchObject({ api: 'template', template_id: 'TPL_SDK_TEMPLATE' });
    expect(inSandboxA?.data).toEqual({ thing1: { value: '已发货' } });
    expect(inSandboxB).toMatchObject({ api: 'subscribe', template_id: 'TPL_SDK_SUB' });
  });

  it('when the SDK asks for user info, then the proxy answers it from WeChat with the shared token', async () => {
    const a = sdkClient(APP_A, SECRET_A, api.url);

    const user = await call((cb) => a.api.getUser({ openid: OPENID, lang: 'zh_CN' }, cb));

    expect(user.err).toBeNull();
    expect(user.data).toMatchObject({ subscribe: 1, openid: OPENID });
    expect(sandbox.stats().otherCalls[APP_A]?.user_info).toBeGreaterThanOrEqual(1);
  });

  it('when its saved token has expired, then the SDK refetches from the same base URL and sends', async () => {
    const store = { token: { accessToken: 'wxdt_old', expireTime: Date.now() - 1000 } };
    const a = sdkClient(APP_A, SECRET_A, api.url, store);

    const sent = await call((cb) =>
      a.api.sendTemplate(OPENID, 'TPL_SDK_TEMPLATE', '', { thing1: { value: 'x' } }, cb),
    );

    expect(sent.err).toBeNull();
    expect(a.calls).toEqual(['/cgi-bin/token', '/cgi-bin/message/template/send']);
    expect(store.token.accessToken).toMatch(/^wxdt_/);
  });

  it('when its saved token is unknown here, then the API answers 40001, the SDK retries once and stops', async () => {
    const store = {
      token: { accessToken: 'wechat-real-token-from-before', expireTime: Date.now() + 3600_000 },
    };
    const a = sdkClient(APP_A, SECRET_A, api.url, store);

    const sent = await call((cb) =>
      a.api.sendTemplate(OPENID, 'TPL_SDK_TEMPLATE', '', { thing1: { value: 'x' } }, cb),
    );

    expect(sent.err?.code).toBe(40001);
    expect(a.calls).toEqual(['/cgi-bin/message/template/send', '/cgi-bin/message/template/send']);
  });
});
