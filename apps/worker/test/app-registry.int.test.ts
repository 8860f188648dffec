import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitFor } from '@wechat-dispatch/testkit';
import { API_KEY, startStack, templateBody, type Stack } from './helpers/stack';

const SEEDED = { appId: 'wxregistryseed0001', appSecret: 'registry-seed-secret-1' };
/** The app operators add at run time; WeChat (the sandbox) knows it by this secret. */
const ADDED = { appId: 'wxregistryadd00002', appSecret: 'registry-added-secret-2' };
const ROTATED = { appId: 'wxregistryrot00003', appSecret: 'registry-new-secret-3' };
const SECRETS_KEY = Buffer.alloc(32, 3).toString('base64');

describe('apps are data: the registry across real API and worker processes', () => {
  let stack: Stack;
  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${stack.apiUrl}/v1/admin/apps${path}`, {
      method,
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const sentTo = (appId: string) => stack.sandbox.messages({ appid: appId }).length;

  beforeAll(async () => {
    stack = await startStack({
      apps: [SEEDED, ADDED, ROTATED],
      workerApps: [SEEDED],
      apiEnv: {
        WECHAT_APPS: `${SEEDED.appId}:${SEEDED.appSecret}`,
        APP_SECRETS_KEY: SECRETS_KEY,
        API_ADMIN_CALLERS: 'tests',
      },
      workerEnv: { APP_SECRETS_KEY: SECRETS_KEY, SEND_BACKOFF_MAX_MS: '1000' },
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('when an app is added through the API, then running workers send for it within 5 s', async () => {
    const put = await admin('PUT', `/${ADDED.appId}`, {
      appSecret: ADDED.appSecret,
      kind: 'official_account',
    });
    const addedAt = Date.now();
    const id = await waitFor(
      async () => {
        const res = await stack.post(templateBody('oRegistryAdded01', ADDED.appId));
        return res.status === 202 ? ((await res.json()) as { id: string }).id : undefined;
      },
      { intervalMs: 100, timeoutMs: 5000, description: 'the API to accept the new app' },
    );
    const [record] = await stack.waitForStatus([id], ['sent'], 5000);
    console.info(`added app: first message sent ${Date.now() - addedAt} ms after the PUT`);

    expect(put.status).toBe(201);
    expect(record).toMatchObject({ status: 'sent', attempts: 1 });
    expect(sentTo(ADDED.appId)).toBe(1);
  });

  it('when an app is disabled, then its 100 queued messages wait, new ones are 409, and all 100 are sent after enabling', async () => {
    const sendAt = new Date(Date.now() + 2000).toISOString();
    const ids = await stack.postMany(
      Array.from({ length: 100 }, (_, i) => ({
        ...templateBody(`oRegistryHeld${String(i).padStart(3, '0')}`, ADDED.appId),
        sendAt,
      })),
    );
    const disabled = await admin('PATCH', `/${ADDED.appId}`, { enabled: false });
    // Until the API has seen the change, a probe is still accepted: it then waits with the rest.
    const refused = await waitFor(
      async () => {
        const res = await stack.post({ ...templateBody('oRegistryProbe01', ADDED.appId), sendAt });
        const body = (await res.json()) as { id: string; error: { code: string } };
        if (res.status === 202) {
          ids.push(body.id);
        }
        return res.status === 409 ? body : undefined;
      },
      { intervalMs: 100, timeoutMs: 5000, description: 'the API to refuse the disabled app' },
    );
    // Well past the schedule and every process's next poll: nothing may have gone out.
    await new Promise((resolve) => setTimeout(resolve, Date.parse(sendAt) - Date.now() + 3000));
    const whileDisabled = await Promise.all(ids.map((id) => stack.record(id)));
    const sentWhileDisabled = sentTo(ADDED.appId);

    const enabled = await admin('PATCH', `/${ADDED.appId}`, { enabled: true });
    const after = await stack.waitForStatus(ids, ['sent'], 30000);

    expect(disabled.status).toBe(200);
    expect(refused.error.code).toBe('app_disabled');
    expect(sentWhileDisabled).toBe(1);
    expect(whileDisabled.every((r) => ['scheduled', 'queued'].includes(r.status as string))).toBe(
      true,
    );
    expect(enabled.status).toBe(200);
    expect(after.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
    expect(sentTo(ADDED.appId)).toBe(1 + ids.length);
  });

  it('when an app’s secret is rotated, then the next token fetch uses the new one', async () => {
    // The registry holds the old secret; WeChat already wants the new one.
    await admin('PUT', `/${ROTATED.appId}`, {
      appSecret: 'registry-old-secret-3',
      kind: 'mini_program',
    });
    const id = await waitFor(
      async () => {
        const res = await stack.post(templateBody('oRegistryRotated', ROTATED.appId));
        return res.status === 202 ? ((await res.json()) as { id: string }).id : undefined;
      },
      { intervalMs: 100, timeoutMs: 5000, description: 'the API to accept the app' },
    );
    const [paused] = await stack.waitForStatus([id], ['retrying'], 10000);
    const replaced = await admin('PUT', `/${ROTATED.appId}`, {
      appSecret: ROTATED.appSecret,
      kind: 'mini_program',
    });
    const [sent] = await stack.waitForStatus([id], ['sent'], 30000);
    const workerLog = stack.workers.flatMap((w) => w.stdout).join('\n');

    expect(paused).toMatchObject({ attempts: 0, lastError: { errcode: 40125 } });
    expect(replaced.status).toBe(200);
    expect(sent).toMatchObject({ status: 'sent', attempts: 1 });
    expect(workerLog).not.toContain(ROTATED.appSecret);
    expect(workerLog).not.toContain('registry-old-secret-3');
  });
});
