import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitFor } from '@wechat-dispatch/testkit';
import {
  authorizeMerchant,
  componentsEnv,
  eachLimited,
  type TestComponent,
} from './helpers/open-platform';
import { API_KEY, startStack, templateBody, type Stack } from './helpers/stack';

const COMPONENT: TestComponent = {
  componentAppId: 'wxcomponentscale01',
  componentSecret: 'component-secret-scale',
  token: 'scaleToken01',
  encodingAesKey: 'ScaleKeyabcdefghijklmnopqrstuvwxyz012345678',
};
const AUTHORIZERS = 1000;
const MESSAGES_EACH = 10;
const WORKERS = 4;
/** Merchant accounts WeChat (the sandbox) knows; the platform never holds their secrets. */
const MERCHANTS = Array.from({ length: AUTHORIZERS }, (_, i) => ({
  appId: `wxscale${String(i).padStart(11, '0')}`,
  appSecret: `never-used-${i}`,
}));
const DIRECT = { appId: 'wxscaledirect00001', appSecret: 'direct-secret-scale' };
const SECRETS_KEY = Buffer.alloc(32, 33).toString('base64');
const headers = { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' };

describe(`Open Platform at scale: ${AUTHORIZERS} authorizers × ${MESSAGES_EACH} messages, ${WORKERS} worker processes`, () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      apps: [DIRECT, ...MERCHANTS],
      workerApps: [DIRECT],
      workers: WORKERS,
      sandbox: { components: [{ ...COMPONENT }] },
      apiEnv: {
        WECHAT_APPS: `${DIRECT.appId}:${DIRECT.appSecret}`,
        APP_SECRETS_KEY: SECRETS_KEY,
        API_ADMIN_CALLERS: 'tests',
        WECHAT_COMPONENTS: componentsEnv(COMPONENT),
      },
      // The sandbox runs in this test's process, which also posts the 10,000 messages and
      // polls: its answers can come late. A late answer is not the case under test (a lost
      // api_authorizer_token answer means a lost rotated refresh token, see docs), so wait.
      workerEnv: { APP_SECRETS_KEY: SECRETS_KEY, WECHAT_TIMEOUT_MS: '60000' },
    });
    stack.sandbox.platform.components.get(COMPONENT.componentAppId)!.authEventUrl =
      `${stack.apiUrl}/wechat/component/${COMPONENT.componentAppId}`;
  }, 120000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('then every message is sent once, with one component-token fetch and one authorizer-token fetch per authorizer', async () => {
    const started = Date.now();
    await stack.sandbox.platform.pushTicket(COMPONENT.componentAppId);
    await eachLimited(MERCHANTS, 20, (m) =>
      authorizeMerchant(stack, COMPONENT.componentAppId, m.appId),
    );
    await waitFor(() => stack.sandbox.platform.stats().queryAuth === AUTHORIZERS, {
      intervalMs: 200,
      timeoutMs: 120000,
      description: `${AUTHORIZERS} code exchanges`,
    });
    const authorizedMs = Date.now() - started;

    const ids: string[] = [];
    const postStarted = Date.now();
    await eachLimited(MERCHANTS, 20, async (m) => {
      const messages = Array.from({ length: MESSAGES_EACH }, (_, j) =>
        templateBody(`oScale${m.appId.slice(-6)}u${j}`, m.appId),
      );
      // The API learns of a new authorizer from the registry; until then it answers 4xx.
      const answer = await waitFor(
        async () => {
          const res = await fetch(`${stack.nextApiUrl()}/v1/messages/batch`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ messages }),
          });
          return res.status === 202 ? ((await res.json()) as Record<string, unknown>) : undefined;
        },
        { intervalMs: 200, timeoutMs: 30000, description: `a batch for ${m.appId}` },
      );
      ids.push(...(answer.ids as string[]));
    });
    const postedMs = Date.now() - postStarted;

    const sendStarted = Date.now();
    const sent = await waitFor(
      () => {
        const all = stack.sandbox.messages().filter((msg) => msg.appid.startsWith('wxscale0'));
        return all.length >= AUTHORIZERS * MESSAGES_EACH ? all : undefined;
      },
      { intervalMs: 500, timeoutMs: 600000, description: 'every message at the sandbox' },
    );
    const sentMs = Date.now() - sendStarted;
    const records = await stack.waitForStatus(ids, ['sent'], 120000);
    const stats = stack.sandbox.platform.stats();
    const perAuthorizer = MERCHANTS.map((m) => stats.authorizerTokens[m.appId] ?? 0);

    process.stdout.write(
      `open-platform scale: ${AUTHORIZERS} authorizers authorized in ${authorizedMs} ms; ` +
        `${ids.length} messages accepted in ${postedMs} ms; all at the sandbox ${sentMs} ms later ` +
        `(${Math.round((ids.length / Math.max(sentMs, 1)) * 1000)} msg/s) with ${WORKERS} workers; ` +
        `component tokens ${stats.componentTokens[COMPONENT.componentAppId]}, ` +
        `authorizer tokens ${perAuthorizer.reduce((a, b) => a + b, 0)}, ` +
        `refresh tokens refused ${stats.refreshRejected}\n`,
    );

    const retried = records.filter((r) => r.attempts !== 1);
    const twice = MERCHANTS.filter((m) => (stats.authorizerTokens[m.appId] ?? 0) !== 1);
    if (retried.length > 0 || twice.length > 0) {
      process.stdout.write(
        `retried: ${JSON.stringify(retried.slice(0, 3))}\nnot one token: ${twice
          .slice(0, 5)
          .map((m) => m.appId)
          .join(',')}\n`,
      );
    }

    expect(ids).toHaveLength(AUTHORIZERS * MESSAGES_EACH);
    expect(new Set(ids).size).toBe(ids.length);
    // Sent once: one delivery per (authorizer, recipient), none twice.
    expect(sent).toHaveLength(AUTHORIZERS * MESSAGES_EACH);
    expect(new Set(sent.map((msg) => `${msg.appid}/${msg.touser}`)).size).toBe(sent.length);
    expect(records.every((r) => r.status === 'sent')).toBe(true);
    // A send may wait out another process's token fetch and retry (a transient -1001 on a busy
    // machine), but WeChat still saw each message once (above) and each token fetched once.
    process.stdout.write(`open-platform scale: ${retried.length} messages retried\n`);
    expect(stats.componentTokens[COMPONENT.componentAppId]).toBe(1);
    expect(perAuthorizer.every((n) => n === 1)).toBe(true);
    expect(stats.refreshRejected).toBe(0);
    // The merchants' own token endpoint was never used.
    expect(MERCHANTS.some((m) => stack.sandbox.stats().tokenCalls[m.appId] !== undefined)).toBe(
      false,
    );
  }, 900000);
});
