import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSandbox, type SandboxHandle } from '@wechat-dispatch/sandbox';
import {
  TEST_REDIS_URL,
  uniquePrefix,
  waitFor,
  type RunningProcess,
} from '@wechat-dispatch/testkit';
import {
  postJson,
  startApiProcess,
  startWorkerProcess,
  type ApiProcess,
} from './helpers/processes';

const APP_ID = 'wxflow00000000001';
const APP_SECRET = 'flow-app-secret-0001';
const API_KEY = 'flow-orders-key-0001';
const auth = { authorization: `Bearer ${API_KEY}` };

interface Record {
  id: string;
  status: string;
  sentAt?: string;
  sendAt?: string;
}

/**
 * The api and worker processes (built code) on the test Redis, sending to an in-process
 * sandbox: what a business service sees, end to end.
 */
describe('messages through the real stack to the WeChat sandbox', () => {
  let sandbox: SandboxHandle;
  let api: ApiProcess;
  let worker: RunningProcess;

  const getRecord = async (id: string): Promise<Record> =>
    (await (await fetch(`${api.url}/v1/messages/${id}`, { headers: auth })).json()) as Record;
  const deliveredTo = (touser: string) => sandbox.messages({ touser });
  const sendCalls = () =>
    sandbox.stats().sendCalls[APP_ID] ?? { template: 0, subscribe: 0, bizsend: 0 };

  beforeAll(async () => {
    sandbox = await startSandbox({ apps: [{ appId: APP_ID, appSecret: APP_SECRET }] });
    const common = {
      // Per-message success lines (accepted, sent) are debug lines.
      LOG_LEVEL: 'debug',
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: uniquePrefix('flow'),
      WECHAT_APPS: `${APP_ID}:${APP_SECRET}`,
    };
    [api, worker] = await Promise.all([
      startApiProcess({ ...common, API_KEYS: `orders:${API_KEY}` }),
      startWorkerProcess({ ...common, WECHAT_API_BASE: sandbox.url, SEND_BACKOFF_MS: '50' }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([api?.process.stop(), worker?.stop()]);
    await sandbox?.close();
  });

  it('when 50 identical requests with one Idempotency-Key arrive at once, then one message is created and WeChat is called once', async () => {
    const callsBefore = sendCalls().template;
    const body = {
      type: 'template',
      toUser: 'oFlowIdem000001',
      templateId: 'TPL_IDEM',
      data: { thing1: '订单已发货' },
    };

    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        postJson(`${api.url}/v1/messages`, body, { ...auth, 'idempotency-key': 'flow-idem-1' }),
      ),
    );
    const ids = new Set(answers.map((a) => (a.body as { id: string }).id));
    const [id] = [...ids];
    await waitFor(async () => (await getRecord(id!)).status === 'sent', { description: 'sent' });
    await waitFor(() => worker.stdout.some((l) => l.includes(id!) && l.includes('message sent')));

    console.info(
      `50 concurrent (HTTP, api process): ${answers.filter((a) => a.status === 202).length}×202, ${answers.filter((a) => a.status === 200).length}×200, ${ids.size} id, ${sendCalls().template - callsBefore} WeChat call(s)`,
    );
    expect(answers.filter((a) => a.status === 202)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(49);
    expect(ids.size).toBe(1);
    expect(deliveredTo('oFlowIdem000001')).toHaveLength(1);
    expect(sendCalls().template - callsBefore).toBe(1);
  });

  it('when a batch of 1000 is posted, then the sandbox receives 1000 messages, one per id', async () => {
    const callsBefore = sendCalls().subscribe;
    for (let i = 0; i < 1000; i += 1) {
      sandbox.grantConsent({
        touser: `oFlowBatch${String(i).padStart(5, '0')}`,
        template_id: 'TPL_BATCH',
      });
    }
    const messages = Array.from({ length: 1000 }, (_, i) => ({
      type: 'subscribe',
      toUser: `oFlowBatch${String(i).padStart(5, '0')}`,
      templateId: 'TPL_BATCH',
      data: { thing1: '配送中', number2: String(i) },
    }));

    const started = performance.now();
    const res = await postJson(
      `${api.url}/v1/messages/batch`,
      { messages },
      { ...auth, 'x-request-id': 'trace-flow-batch' },
    );
    const acceptedMs = performance.now() - started;
    await waitFor(() => sendCalls().subscribe - callsBefore >= 1000, {
      timeoutMs: 90_000,
      description: '1000 sends',
    });
    const deliveredMs = performance.now() - started;
    const ids = (res.body as { ids: string[] }).ids;
    await waitFor(async () => (await getRecord(ids[999]!)).status === 'sent', {
      description: 'last record sent',
    });

    const delivered = sandbox.messages().filter((m) => m.template_id === 'TPL_BATCH');
    const apiTraced = await waitFor(() =>
      api.process.stdout.some(
        (l) => l.includes('"traceId":"trace-flow-batch"') && l.includes('batch accepted'),
      ),
    );
    // Log lines reach the test through a pipe, a little after the records change.
    const tracedSends = await waitFor(() => {
      const count = worker.stdout.filter(
        (l) => l.includes('"traceId":"trace-flow-batch"') && l.includes('message sent'),
      ).length;
      return count >= 1000 ? count : undefined;
    });
    console.info(
      `batch of 1000 (HTTP, api process): 202 after ${Math.round(acceptedMs)} ms; all 1000 at the sandbox after ${Math.round(deliveredMs)} ms (worker concurrency 50)`,
    );
    expect(res.status).toBe(202);
    expect(new Set(ids).size).toBe(1000);
    expect(delivered).toHaveLength(1000);
    expect(new Set(delivered.map((m) => m.touser)).size).toBe(1000);
    expect(sendCalls().subscribe - callsBefore).toBe(1000);
    expect(tracedSends).toBe(1000);
    expect(apiTraced).toBe(true);
  });

  it('when a batch has one bad item, then it answers 400 naming it and nothing of it is sent', async () => {
    const messages = Array.from({ length: 10 }, (_, i) => ({
      type: 'template',
      toUser: `oFlowBad${String(i).padStart(5, '0')}`,
      templateId: 'TPL_BAD_BATCH',
      data: { thing1: i === 7 ? '这是一个超过二十个字符的很长很长很长很长的值' : '正常' },
    }));

    const res = await postJson(`${api.url}/v1/messages/batch`, { messages }, auth);
    const sentinel = await postJson(
      `${api.url}/v1/messages`,
      {
        type: 'template',
        toUser: 'oFlowSentinel01',
        templateId: 'TPL_SENTINEL',
        data: { thing1: 'ok' },
      },
      auth,
    );
    await waitFor(() => deliveredTo('oFlowSentinel01').length === 1, {
      description: 'the sentinel',
    });

    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { details: [{ path: 'messages[7].data.thing1' }] } });
    expect(sentinel.status).toBe(202);
    expect(sandbox.messages().filter((m) => m.template_id === 'TPL_BAD_BATCH')).toEqual([]);
  });

  it('when a message is scheduled, then it is not sent before sendAt and is sent after it', async () => {
    const sendAt = new Date(Date.now() + 2500);

    const res = await postJson(
      `${api.url}/v1/messages`,
      {
        type: 'template',
        toUser: 'oFlowSchedule01',
        templateId: 'TPL_LATER',
        data: { thing1: '稍后' },
        sendAt: sendAt.toISOString(),
      },
      auth,
    );
    const id = (res.body as { id: string }).id;
    const statusBefore = (await getRecord(id)).status;
    await waitFor(
      () => Date.now() >= sendAt.getTime() - 300 || deliveredTo('oFlowSchedule01').length > 0,
    );
    const deliveredEarly = deliveredTo('oFlowSchedule01').length;
    const [delivery] = await waitFor(() => {
      const list = deliveredTo('oFlowSchedule01');
      return list.length > 0 ? list : undefined;
    });
    const record = await waitFor(async () => {
      const r = await getRecord(id);
      return r.status === 'sent' ? r : undefined;
    });

    console.info(
      `scheduled message reached the sandbox ${Date.parse(delivery!.at) - sendAt.getTime()} ms after sendAt`,
    );
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'scheduled' });
    expect(statusBefore).toBe('scheduled');
    expect(deliveredEarly).toBe(0);
    expect(Date.parse(delivery!.at)).toBeGreaterThanOrEqual(sendAt.getTime());
    expect(Date.parse(record.sentAt!)).toBeGreaterThanOrEqual(sendAt.getTime());
  });

  it('when a scheduled message is cancelled, then it is never sent while its twin is', async () => {
    const sendAt = new Date(Date.now() + 1500).toISOString();
    const schedule = (toUser: string) =>
      postJson(
        `${api.url}/v1/messages`,
        { type: 'template', toUser, templateId: 'TPL_TWINS', data: { thing1: 'x' }, sendAt },
        auth,
      );
    const cancelled = (await schedule('oFlowCancel0001')).body as { id: string };
    await schedule('oFlowTwin000001');

    const res = await fetch(`${api.url}/v1/messages/${cancelled.id}`, {
      method: 'DELETE',
      headers: auth,
    });
    await waitFor(() => deliveredTo('oFlowTwin000001').length === 1, { description: 'the twin' });

    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: cancelled.id, status: 'cancelled' });
    expect(deliveredTo('oFlowCancel0001')).toEqual([]);
    expect((await getRecord(cancelled.id)).status).toBe('cancelled');
  });

  describe('a service that called WeChat directly', () => {
    /** The caller's own code: WeChat's URL, its credential, WeChat's body. Unchanged but for base and token. */
    const sendTemplate = async (base: string, accessToken: string, body: unknown) =>
      (await postJson(`${base}/cgi-bin/message/template/send?access_token=${accessToken}`, body))
        .body as {
        errcode: number;
        errmsg: string;
        msgid?: string | number;
      };

    const requestBody = (touser: string) => ({
      touser,
      template_id: 'TPL_MIGRATE',
      url: 'https://example.com/orders/42',
      miniprogram: { appid: 'wxminiprogram0001', pagepath: 'pages/order?id=42' },
      client_msg_id: `order-42-${touser}`,
      data: {
        thing1: { value: '订单已发货', color: '#173177' },
        time2: { value: '2026-11-26 10:00' },
        amount3: { value: '¥128.00' },
      },
    });

    it('when it changes only host and credential, then the same request is queued and delivered', async () => {
      const token = (await (
        await fetch(
          `${sandbox.url}/cgi-bin/token?grant_type=client_credential&appid=${APP_ID}&secret=${APP_SECRET}`,
        )
      ).json()) as { access_token: string };
      const direct = await sendTemplate(
        sandbox.url,
        token.access_token,
        requestBody('oFlowDirect0001'),
      );

      const migrated = await sendTemplate(api.url, API_KEY, requestBody('oFlowMigrate001'));
      const [delivered] = await waitFor(() => {
        const list = deliveredTo('oFlowMigrate001');
        return list.length > 0 ? list : undefined;
      });
      const [directDelivery] = deliveredTo('oFlowDirect0001');
      const record = await waitFor(async () => {
        const r = await getRecord(String(migrated.msgid));
        return r.status === 'sent' ? r : undefined;
      });

      expect(direct.errcode).toBe(0);
      // WeChat's msgid is a 64-bit integer; the compat routes answer one (#19).
      expect(migrated).toEqual({ errcode: 0, errmsg: 'ok', msgid: expect.any(Number) });
      expect(delivered).toMatchObject({
        api: 'template',
        template_id: 'TPL_MIGRATE',
        data: directDelivery!.data,
        url: directDelivery!.url,
        miniprogram: directDelivery!.miniprogram,
      });
      // GET /v1/messages/{msgid} resolves the number to the message (#19).
      expect(record).toMatchObject({
        id: expect.stringMatching(/^m/),
        status: 'sent',
        caller: 'orders',
      });
    });

    it('when it sends a subscribe message the same way, then it is delivered', async () => {
      sandbox.grantConsent({ touser: 'oFlowSubscr0001', template_id: 'TPL_SUB_MIGRATE' });

      const answer = (
        await postJson(`${api.url}/cgi-bin/message/subscribe/send?access_token=${API_KEY}`, {
          touser: 'oFlowSubscr0001',
          template_id: 'TPL_SUB_MIGRATE',
          page: 'pages/index',
          miniprogram_state: 'formal',
          lang: 'zh_CN',
          data: { thing1: { value: '配送中' }, phrase2: { value: '已发货' } },
        })
      ).body as { errcode: number };
      await waitFor(() => deliveredTo('oFlowSubscr0001').length === 1, {
        description: 'subscribe delivery',
      });

      expect(answer.errcode).toBe(0);
      expect(deliveredTo('oFlowSubscr0001')[0]).toMatchObject({
        api: 'subscribe',
        data: { phrase2: { value: '已发货' } },
      });
    });

    it('when its key is wrong or its body malformed, then it gets 40001 or 47001 and nothing is delivered', async () => {
      const badKey = await sendTemplate(api.url, 'not-a-key', requestBody('oFlowRefused01'));
      const malformed = (
        await fetch(`${api.url}/cgi-bin/message/template/send?access_token=${API_KEY}`, {
          method: 'POST',
          body: '{"touser":',
        })
      ).json() as Promise<{ errcode: number }>;
      const tooLong = await sendTemplate(api.url, API_KEY, {
        ...requestBody('oFlowRefused01'),
        data: { thing1: { value: '这是一个超过二十个字符的很长很长很长很长的值' } },
      });

      expect(badKey.errcode).toBe(40001);
      expect((await malformed).errcode).toBe(47001);
      expect(tooLong).toMatchObject({
        errcode: 47003,
        errmsg: expect.stringContaining('data.thing1.value'),
      });
      expect(deliveredTo('oFlowRefused01')).toEqual([]);
    });
  });
});
