import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitFor } from '@wechat-dispatch/testkit';
import { API_KEY, startStack, templateBody, type Stack } from './helpers/stack';

const APP = { appId: 'wxpauselift000001', appSecret: 'pause-lift-secret-0001' };
const SECRETS_KEY = Buffer.alloc(32, 7).toString('base64');
const MESSAGES = 30;

/**
 * An operator lifting a daily-quota pause (after WeChat's `clear_quota`), across real API and
 * worker processes with the app registry: the messages the workers set aside for the pause —
 * until 00:00 China time — go out at once.
 */
describe('lifting an app’s quota pause (DELETE /v1/admin/apps/:appId/pause)', () => {
  let stack: Stack;
  const pause = (method: 'GET' | 'DELETE') =>
    fetch(`${stack.apiUrl}/v1/admin/apps/${APP.appId}/pause`, {
      method,
      headers: { authorization: `Bearer ${API_KEY}` },
    }).then(async (res) => ({
      status: res.status,
      body: (await res.json()) as Record<string, unknown>,
    }));
  const sendCalls = () => stack.sandbox.stats().sendCalls[APP.appId]?.template ?? 0;

  beforeAll(async () => {
    stack = await startStack({
      apps: [APP],
      workers: 2,
      apiEnv: { APP_SECRETS_KEY: SECRETS_KEY, API_ADMIN_CALLERS: 'tests' },
      workerEnv: { APP_SECRETS_KEY: SECRETS_KEY, WORKER_CONCURRENCY: '5' },
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('when the app hit 45009 and its messages wait for the next day, then a lift sends every one of them at once, with no attempt spent on the wait', async () => {
    stack.sandbox.addFault({
      match: { api: 'template', appid: APP.appId },
      times: 1,
      action: { errcode: 45009 },
    });
    const ids = await stack.postMany(
      Array.from({ length: MESSAGES }, (_, i) =>
        templateBody(`oPauseLift${String(i).padStart(4, '0')}`, APP.appId),
      ),
    );
    const paused = await waitFor(
      async () => {
        const answer = await pause('GET');
        return answer.body.paused === true ? answer.body : undefined;
      },
      { intervalMs: 50, timeoutMs: 10000, description: 'the app to be paused' },
    );
    // Sends already in flight when the 45009 came may finish; after that no call comes.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const callsAtPause = sendCalls();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const callsWhilePaused = sendCalls();
    const waiting = await Promise.all(
      ids.map((id) =>
        fetch(`${stack.apiUrl}/v1/messages/${id}`, {
          headers: { authorization: `Bearer ${API_KEY}` },
        }).then((res) => res.json() as Promise<{ status: string }>),
      ),
    );

    const liftedAt = Date.now();
    const lifted = await pause('DELETE');
    const records = await stack.waitForStatus(ids, ['sent'], 15000);
    console.info(
      `pause lift: ${MESSAGES} messages sent ${Date.now() - liftedAt} ms after the DELETE (the pause had ${String(lifted.body.remainingMs)} ms left)`,
    );

    expect(paused).toMatchObject({ paused: true, reason: 'rate_daily' });
    // 45009 pauses until 00:00 China time: hours, not the seconds this test waits.
    expect(paused.remainingMs as number).toBeGreaterThan(60_000);
    expect(callsWhilePaused).toBe(callsAtPause);
    // The one 45009 call, and the sends of the 2 × 5 in flight with it at most.
    expect(callsWhilePaused).toBeLessThanOrEqual(10);
    expect(waiting.filter((r) => r.status !== 'sent')).toHaveLength(
      MESSAGES - (callsWhilePaused - 1),
    );
    expect(lifted).toEqual({
      status: 200,
      body: expect.objectContaining({ paused: false, lifted: true, reason: 'rate_daily' }),
    });
    expect(records.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
    expect(sendCalls()).toBe(MESSAGES + 1);
    expect((await pause('GET')).body).toEqual({ appId: APP.appId, paused: false });
  });
});
