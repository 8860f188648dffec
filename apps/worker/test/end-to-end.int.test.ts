import { mkdtempSync, statSync } from 'node:fs';
import { Agent, get, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSandbox, type SandboxHandle } from '@wechat-dispatch/sandbox';
import {
  TEST_REDIS_URL,
  freePort,
  launchHeadlessChromium,
  startProcess,
  uniquePrefix,
  waitFor,
  type RunningProcess,
} from '@wechat-dispatch/testkit';

const APP_ID = 'wxe2e0000000000001';
const APP_SECRET = 'e2e-app-secret-0001';
const API_KEY = 'e2e-orders-key-0001';

interface SandboxDelivery {
  touser: string;
  msgid: string;
}

describe('one template message end to end', () => {
  let sandbox: SandboxHandle;
  let api: RunningProcess;
  let worker: RunningProcess;
  let apiUrl: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ apps: [{ appId: APP_ID, appSecret: APP_SECRET }] });
    const port = await freePort();
    apiUrl = `http://127.0.0.1:${port}`;
    const common = {
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: uniquePrefix('e2e'),
      WECHAT_APPS: `${APP_ID}:${APP_SECRET}`,
      // Per-message success lines (accepted, sent) are debug lines; the trace test needs them.
      LOG_LEVEL: 'debug',
    };
    api = startProcess('api', { ...common, PORT: String(port), API_KEYS: `orders:${API_KEY}` });
    worker = startProcess('worker', {
      ...common,
      WECHAT_API_BASE: sandbox.url,
      WORKER_HTTP_PORT: '0',
    });
    await api.waitForLine((l) => l.includes('api listening'));
    await worker.waitForLine((l) => l.includes('worker started'));
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    await sandbox?.close();
  });

  it('when a template message is posted, then it reaches the sandbox and its record says sent with the exact msgid', async () => {
    const traceId = `trace-${Date.now()}`;

    const posted = await fetch(`${apiUrl}/v1/messages`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${API_KEY}`,
        'content-type': 'application/json',
        'x-request-id': traceId,
      },
      body: JSON.stringify({
        type: 'template',
        toUser: 'oE2EUser0001',
        templateId: 'TPL_ORDER_SHIPPED',
        data: { thing1: { value: '订单已发货' }, time2: '2026-11-26 10:00' },
        url: 'https://example.com/orders/42',
        metadata: { orderId: '42' },
      }),
    });
    const accepted = (await posted.json()) as { id: string; status: string };
    const record = await waitFor(
      async () => {
        const res = await fetch(`${apiUrl}/v1/messages/${accepted.id}`, {
          headers: { authorization: `Bearer ${API_KEY}` },
        });
        const body = (await res.json()) as Record<string, unknown>;
        return body.status === 'sent' ? body : undefined;
      },
      { description: 'the record to say sent' },
    );
    const deliveries = (await (
      await fetch(`${sandbox.url}/sandbox/messages?touser=oE2EUser0001`)
    ).json()) as SandboxDelivery[];

    expect(posted.status).toBe(202);
    expect(posted.headers.get('location')).toBe(`/v1/messages/${accepted.id}`);
    expect(posted.headers.get('x-request-id')).toBe(traceId);
    expect(accepted.status).toBe('queued');
    expect(deliveries).toHaveLength(1);
    expect(record.wechatMsgId).toBe(deliveries[0]!.msgid);
    expect(BigInt(record.wechatMsgId as string) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(record).toMatchObject({
      id: accepted.id,
      type: 'template',
      appId: APP_ID,
      toUser: 'oE2EUser0001',
      templateId: 'TPL_ORDER_SHIPPED',
      attempts: 1,
      caller: 'orders',
      metadata: { orderId: '42' },
    });
    expect((record.history as Array<{ event: string }>).map((h) => h.event)).toEqual([
      'queued',
      'sending',
      'sent',
    ]);
  });

  it('when a client keeps its connection open, then the API keeps it 65 s (longer than a load balancer’s 60 s idle timeout), not Node’s 5 s', async () => {
    const agent = new Agent({ keepAlive: true });
    const headers = await new Promise<IncomingHttpHeaders>((resolve, reject) => {
      get(`${apiUrl}/healthz`, { agent }, (res) => {
        res.resume();
        resolve(res.headers);
      }).on('error', reject);
    });
    agent.destroy();

    expect(headers.connection).toBe('keep-alive');
    expect(headers['keep-alive']).toBe('timeout=65');
  });

  it('when the processes log, then every stdout line is JSON with level, message and timestamp, and the trace id follows the message', async () => {
    await worker.waitForLine((l) => l.includes('message sent'));

    const lines = [...api.stdout, ...worker.stdout].map(
      (l) => JSON.parse(l) as Record<string, unknown>,
    );
    const traced = lines.filter(
      (l) => typeof l.traceId === 'string' && String(l.traceId).startsWith('trace-'),
    );

    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).toEqual(
        expect.objectContaining({
          level: expect.any(String),
          message: expect.any(String),
          timestamp: expect.any(String),
        }),
      );
    }
    expect(new Set(traced.map((l) => l.service))).toEqual(new Set(['api', 'worker']));
    expect(new Set(traced.map((l) => l.traceId)).size).toBe(1);
  });

  it('when a second message went through the stack, then the sandbox inbox renders both in headless Chromium', async () => {
    const second = await fetch(`${apiUrl}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'template',
        toUser: 'oE2EUser0002',
        templateId: 'TPL_PAYMENT',
        data: { amount1: '¥399.00', thing2: '无线降噪耳机' },
      }),
    });
    const { id } = (await second.json()) as { id: string };
    await waitFor(
      async () => {
        const res = await fetch(`${apiUrl}/v1/messages/${id}`, {
          headers: { authorization: `Bearer ${API_KEY}` },
        });
        return ((await res.json()) as { status: string }).status === 'sent';
      },
      { description: 'the second message to be sent' },
    );
    const browser = await launchHeadlessChromium();
    const shot = path.join(mkdtempSync(path.join(tmpdir(), 'wxd-inbox-')), 'inbox.png');

    try {
      const page = await browser.newPage();
      await page.goto(sandbox.url);
      const text = await page.locator('body').innerText();
      await page.screenshot({ path: shot, fullPage: true });

      expect(text).toContain('订单已发货');
      expect(text).toContain('¥399.00');
      expect(text).toContain('oE2EUser0001');
      expect(text).toContain('oE2EUser0002');
      expect(statSync(shot).size).toBeGreaterThan(1000);
    } finally {
      await browser.close();
    }
  });

  it('when the processes log, then no secret appears in their output', () => {
    const output = [...api.stdout, ...api.stderr, ...worker.stdout, ...worker.stderr].join('\n');

    expect(output).not.toContain(APP_SECRET);
    expect(output).not.toContain(API_KEY);
    expect(output).not.toMatch(/access_token=(?!\[REDACTED\])/);
  });
});

describe('start-up configuration', () => {
  it.each([
    ['api', 'WECHAT_APPS', { API_KEYS: 'a:key-000001' }],
    ['api', 'API_KEYS', { WECHAT_APPS: `${APP_ID}:${APP_SECRET}` }],
    ['worker', 'WECHAT_APPS', {}],
  ] as const)(
    'when %s starts without %s, then it exits 1 naming the variable',
    async (name, variable, env) => {
      const child = startProcess(name, {
        REDIS_URL: TEST_REDIS_URL,
        WORKER_HTTP_PORT: '0',
        ...env,
      });

      const code = await child.exited;

      expect(code).toBe(1);
      expect(child.stderr.join('\n')).toContain(variable);
      expect(child.stdout).toEqual([]);
    },
  );
});
