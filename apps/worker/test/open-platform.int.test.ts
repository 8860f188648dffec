import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { TEST_REDIS_URL, waitFor } from '@wechat-dispatch/testkit';
import { authorizeMerchant, registeredApp } from './helpers/open-platform';
import { API_KEY, startStack, templateBody, type Stack } from './helpers/stack';

const COMPONENT = {
  componentAppId: 'wxcomponentplat001',
  componentSecret: 'component-secret-0001',
  token: 'platformToken01',
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
};
/** Merchant accounts WeChat (the sandbox) knows; the platform never holds their secrets. */
const MERCHANT = { appId: 'wxmerchantapp00001', appSecret: 'merchant-secret-never-used-1' };
const DIRECT = { appId: 'wxdirectapp0000001', appSecret: 'direct-secret-0001' };
/** A mini program, and an official account whose permissions change. */
const MINI = { appId: 'wxmerchantmini0001', appSecret: 'unused-2', kind: 'mini_program' as const };
const CHANGING = { appId: 'wxmerchantperm0001', appSecret: 'unused-3' };
const SECRETS_KEY = Buffer.alloc(32, 21).toString('base64');

describe('Open Platform: a third-party platform sends for authorizers (real processes + sandbox)', () => {
  let stack: Stack;
  /** Messages queued for MERCHANT while it had withdrawn its authorization. */
  let waiting: string[] = [];
  const headers = { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' };

  beforeAll(async () => {
    stack = await startStack({
      apps: [DIRECT, MERCHANT, MINI, CHANGING],
      workerApps: [DIRECT],
      workers: 2,
      sandbox: { components: [{ ...COMPONENT }] },
      apiEnv: {
        WECHAT_APPS: `${DIRECT.appId}:${DIRECT.appSecret}`,
        APP_SECRETS_KEY: SECRETS_KEY,
        API_ADMIN_CALLERS: 'tests',
        WECHAT_COMPONENTS: `${COMPONENT.componentAppId}:${COMPONENT.componentSecret}:${COMPONENT.token}:${COMPONENT.encodingAesKey}`,
      },
      workerEnv: { APP_SECRETS_KEY: SECRETS_KEY, SEND_BACKOFF_MAX_MS: '1000' },
    });
    // The API's port is known only now: point WeChat's pushes at its authorization event URL.
    stack.sandbox.platform.components.get(COMPONENT.componentAppId)!.authEventUrl =
      `${stack.apiUrl}/wechat/component/${COMPONENT.componentAppId}`;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const authorizeUrl = () =>
    fetch(`${stack.apiUrl}/v1/admin/components/${COMPONENT.componentAppId}/authorize-url`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        redirectUri: `${stack.apiUrl}/wechat/component/${COMPONENT.componentAppId}/authorized`,
      }),
    });

  it('when no ticket was pushed yet, then the authorization URL is a named 503, not a loop', async () => {
    const res = await authorizeUrl();
    const body = (await res.json()) as { error: { code: string; message: string } };

    expect(res.status).toBe(503);
    expect(body.error.code).toBe('component_not_ready');
    expect(body.error.message).toContain('component_verify_ticket');
    expect(
      stack.sandbox.platform.stats().componentTokens[COMPONENT.componentAppId],
    ).toBeUndefined();
  });

  it('when a merchant authorizes through the sandbox page, then it is in the registry and a template message is sent with its authorizer token', async () => {
    await stack.sandbox.platform.pushTicket(COMPONENT.componentAppId);
    // The ticket of a push is stored before `success`; the negative cache of the refusal above
    // lasts up to 30 s, so ask until it has expired.
    const { url } = await waitFor(
      async () => {
        const res = await authorizeUrl();
        return res.status === 200 ? ((await res.json()) as { url: string }) : undefined;
      },
      { intervalMs: 500, timeoutMs: 40000, description: 'an authorization URL' },
    );
    // The merchant's browser: open the page, pick the account, confirm, follow the redirect.
    const page = await (
      await fetch(url.replace('https://mp.weixin.qq.com', stack.sandbox.url))
    ).text();
    const field = (name: string) =>
      new RegExp(`name="${name}" value="([^"]*)"`).exec(page)?.[1] ?? '';
    const form = new URLSearchParams({
      component_appid: field('component_appid'),
      pre_auth_code: field('pre_auth_code'),
      redirect_uri: field('redirect_uri').replaceAll('&#38;', '&'),
      authorizer_appid: MERCHANT.appId,
    });
    const confirm = await fetch(`${stack.sandbox.url}/sandbox/component/confirm`, {
      method: 'POST',
      body: form.toString(),
      redirect: 'manual',
    });
    const landing = await fetch(confirm.headers.get('location')!);
    const landingText = await landing.text();

    const registered = await waitFor(
      async () => {
        const res = await fetch(`${stack.apiUrl}/v1/admin/apps/${MERCHANT.appId}`, { headers });
        return res.status === 200 ? ((await res.json()) as Record<string, unknown>) : undefined;
      },
      { intervalMs: 100, timeoutMs: 5000, description: 'the authorizer in the registry' },
    );
    const id = await waitFor(
      async () => {
        const res = await stack.post(templateBody('oOpenPlatform0001', MERCHANT.appId));
        return res.status === 202 ? ((await res.json()) as { id: string }).id : undefined;
      },
      { intervalMs: 100, timeoutMs: 5000, description: 'the API to accept the authorizer' },
    );
    const [record] = await stack.waitForStatus([id], ['sent'], 20000);
    const stats = stack.sandbox.platform.stats();

    expect(confirm.status).toBe(302);
    expect(landing.status).toBe(200);
    expect(landingText).toContain(MERCHANT.appId);
    expect(registered).toMatchObject({
      tokenSource: 'component',
      componentAppId: COMPONENT.componentAppId,
      enabled: true,
      secretSet: false,
    });
    expect(record).toMatchObject({ status: 'sent', attempts: 1 });
    expect(stack.sandbox.messages({ appid: MERCHANT.appId })).toHaveLength(1);
    // The merchant's own token endpoint was never used: the token came from the component.
    expect(stack.sandbox.stats().tokenCalls[MERCHANT.appId]).toBeUndefined();
    expect(stats.componentTokens[COMPONENT.componentAppId]).toBe(1);
    expect(stats.queryAuth).toBe(1);
  });

  it('when the refresh token is stored, then Redis holds only its ciphertext', async () => {
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const stored = await redis.hgetall(
        `{${stack.prefix}}:component:${COMPONENT.componentAppId}:refresh`,
      );
      const component = await redis.hget(`{${stack.prefix}}:components`, COMPONENT.componentAppId);
      const all = JSON.stringify(stored) + (component ?? '');

      expect(Object.keys(stored)).toEqual([MERCHANT.appId]);
      expect(stored[MERCHANT.appId]).toMatch(/^v1:/);
      expect(all).not.toContain('refreshtoken@@@');
      expect(all).not.toContain(COMPONENT.componentSecret);
      expect(all).not.toContain(COMPONENT.encodingAesKey);
    } finally {
      redis.disconnect();
    }
  });

  it('when the merchant unauthorizes, then new messages are refused and queued ones wait', async () => {
    const sendAt = new Date(Date.now() + 1500).toISOString();
    const queued = await stack.postMany(
      Array.from({ length: 5 }, (_, i) => ({
        ...templateBody(`oOpenPlatformQ00${i}`, MERCHANT.appId),
        sendAt,
      })),
    );
    await stack.sandbox.platform.unauthorize(COMPONENT.componentAppId, MERCHANT.appId);
    const refused = await waitFor(
      async () => {
        // Until the API has seen the change a probe is still accepted: it then waits too.
        const res = await stack.post({
          ...templateBody('oOpenPlatformRef1', MERCHANT.appId),
          sendAt,
        });
        if (res.status === 202) {
          queued.push(((await res.json()) as { id: string }).id);
        }
        return res.status === 409 ? ((await res.json()) as { error: { code: string } }) : undefined;
      },
      { intervalMs: 100, timeoutMs: 5000, description: 'the API to refuse the authorizer' },
    );
    await new Promise((resolve) => setTimeout(resolve, Date.parse(sendAt) - Date.now() + 3000));
    const records = await Promise.all(queued.map((id) => stack.record(id)));

    waiting = queued;

    expect(refused.error.code).toBe('app_disabled');
    expect(records.every((r) => ['scheduled', 'queued'].includes(r.status as string))).toBe(true);
    expect(stack.sandbox.messages({ appid: MERCHANT.appId })).toHaveLength(1);
    const logs = [...stack.apis, ...stack.workers].flatMap((p) => p.stdout).join('\n');
    expect(logs).not.toContain(COMPONENT.componentSecret);
    expect(logs).not.toContain('refreshtoken@@@');
  });

  it('when the merchant authorizes again, then the messages that waited are sent', async () => {
    await authorizeMerchant(stack, COMPONENT.componentAppId, MERCHANT.appId);
    const app = await registeredApp(stack, MERCHANT.appId, (a) => a.enabled === true);
    const records = await stack.waitForStatus(waiting, ['sent'], 30000);

    expect(app).toMatchObject({ tokenSource: 'component', kind: 'official_account' });
    expect(records).toHaveLength(waiting.length);
    expect(stack.sandbox.messages({ appid: MERCHANT.appId })).toHaveLength(1 + waiting.length);
    expect(stack.sandbox.platform.stats().refreshRejected).toBe(0);
  });

  it('when a mini program authorizes, then api_get_authorizer_info makes it a mini_program', async () => {
    await authorizeMerchant(stack, COMPONENT.componentAppId, MINI.appId);
    const app = await registeredApp(stack, MINI.appId);

    expect(app).toMatchObject({ kind: 'mini_program', enabled: true, tokenSource: 'component' });
  });

  it('when an official account withdraws the notification permission (updateauthorized), then it is disabled until it grants it again', async () => {
    await authorizeMerchant(stack, COMPONENT.componentAppId, CHANGING.appId);
    await registeredApp(stack, CHANGING.appId, (a) => a.enabled === true);
    // The merchant edits its authorization: everything but 群发与通知 (7).
    const withdraw = await stack.sandbox.platform.authorize(
      COMPONENT.componentAppId,
      await preAuth(),
      CHANGING.appId,
      [1, 2, 3],
    );
    const narrowed = await registeredApp(stack, CHANGING.appId, (a) => a.enabled === false);
    const refused = await waitFor(
      async () => {
        const res = await stack.post(templateBody('oPermission00001', CHANGING.appId));
        return res.status === 409 ? res.status : undefined;
      },
      { intervalMs: 100, timeoutMs: 5000, description: 'the API to refuse the narrowed account' },
    );
    await authorizeMerchant(stack, COMPONENT.componentAppId, CHANGING.appId);
    const widened = await registeredApp(stack, CHANGING.appId, (a) => a.enabled === true);
    const id = await waitFor(
      async () => {
        const res = await stack.post(templateBody('oPermission00002', CHANGING.appId));
        return res.status === 202 ? ((await res.json()) as { id: string }).id : undefined;
      },
      { intervalMs: 100, timeoutMs: 5000, description: 'the API to accept the account again' },
    );
    const [record] = await stack.waitForStatus([id], ['sent'], 20000);

    expect('authCode' in withdraw).toBe(true);
    expect(narrowed.funcScopes).toEqual([1, 2, 3]);
    expect(refused).toBe(409);
    expect(widened.funcScopes).toContain(7);
    expect(record).toMatchObject({ status: 'sent' });
  });

  async function preAuth(): Promise<string> {
    const res = await authorizeUrl();
    const { url } = (await res.json()) as { url: string };
    return new URL(url).searchParams.get('pre_auth_code')!;
  }
});
