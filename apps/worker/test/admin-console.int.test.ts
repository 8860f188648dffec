import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  createTestDatabase,
  launchHeadlessChromium,
  waitFor,
  type TestDatabase,
} from '@wechat-dispatch/testkit';
import { API_KEY, startStack, templateBody, type Stack } from './helpers/stack';

const APP = { appId: 'wxconsole000000001', appSecret: 'console-app-secret' };
const ADMIN = { username: 'operator', password: 'console-password-0001' };
/** A host name only this test's browser knows: an internal Service name, as operators use. */
const HOST = 'wxd-ops.internal';
const SHOTS = path.resolve(__dirname, '../../../docs/img');

/*
 * #20 items 4 and 5 in real headless Chromium: the operator console (log in, find a message by
 * metadata.orderId, open it, redrive a dead letter) and every page (console, Bull Board, the
 * API docs) rendering over plain HTTP on an internal host name with nothing but the service
 * reachable: any request to another host is refused and recorded.
 */
describe('the operator console and pages in headless Chromium', () => {
  let database: TestDatabase;
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let base: string;
  const elsewhere: string[] = [];
  const failed: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('console');
    stack = await startStack({
      apps: [APP],
      commonEnv: { DATABASE_URL: database.url },
      apiEnv: { ADMIN_USER: ADMIN.username, ADMIN_PASSWORD: ADMIN.password },
    });
    base = `http://${HOST}:${new URL(stack.apiUrl).port}`;
    browser = await launchHeadlessChromium([`--host-resolver-rules=MAP ${HOST} 127.0.0.1`]);
    context = await browser.newContext({ httpCredentials: ADMIN });
    // Fully offline: only the service answers; anything else is refused and recorded.
    await context.route('**/*', async (route) => {
      const url = new URL(route.request().url());
      if (url.hostname === HOST && url.protocol === 'http:') {
        await route.continue();
      } else {
        elsewhere.push(route.request().url());
        await route.abort('internetdisconnected');
      }
    });
    context.on('requestfailed', (request) =>
      failed.push(`${request.url()} ${request.failure()?.errorText ?? ''}`),
    );
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await database?.drop();
  });

  async function post(body: Record<string, unknown>): Promise<string> {
    const res = await stack.post(body);
    return ((await res.json()) as { id: string }).id;
  }

  async function open(url: string): Promise<Page> {
    const page = await context.newPage();
    const answer = await page.goto(url);
    expect(answer?.status()).toBe(200);
    expect(answer?.headers()['content-security-policy']).not.toContain('upgrade-insecure-requests');
    return page;
  }

  it('when an operator finds a message by metadata.orderId, opens it and redrives a dead letter, then each page shows it and the dead letter is sent', async () => {
    const found = await post({
      ...templateBody('oConsoleUser0000001', APP.appId),
      metadata: { orderId: 'order-4242' },
    });
    await post({
      ...templateBody('oConsoleUser0000002', APP.appId),
      metadata: { orderId: 'order-4243' },
    });
    stack.sandbox.addFault({
      match: { api: 'template', touser: 'oConsoleDead0000001' },
      times: 1,
      action: { errcode: 40003 },
    });
    const dead = await post({
      ...templateBody('oConsoleDead0000001', APP.appId),
      metadata: { orderId: 'order-9000' },
    });
    await stack.waitForStatus([found], ['sent']);
    await stack.waitForStatus([dead], ['dead']);
    await waitFor(
      async () => {
        const res = await fetch(
          `${stack.apiUrl}/v1/messages?status=sent&metadata.orderId=order-4242`,
          {
            headers: { authorization: `Bearer ${API_KEY}` },
          },
        );
        return ((await res.json()) as { items: unknown[] }).items.length === 1;
      },
      { description: 'the sent message in the archive' },
    );

    const page = await open(`${base}/admin`);
    await page.getByLabel('Metadata key').fill('orderId');
    await page.getByLabel('Metadata value').fill('order-4242');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/metaValue=order-4242/);
    const rows = page.locator('tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain('oConsoleUser0000001');
    await page.screenshot({ path: path.join(SHOTS, 'console-search.png'), fullPage: true });

    await page.getByRole('link', { name: found }).click();
    await page.waitForURL(new RegExp(`/admin/messages/${found}$`));
    const detail = await page.locator('main').innerText();
    expect(detail).toContain('order-4242');
    expect(detail).toContain('sent');
    expect(detail).toContain('History');
    await page.screenshot({ path: path.join(SHOTS, 'console-message.png'), fullPage: true });

    await page.goto(`${base}/admin/messages/${dead}`);
    const deadDetail = await page.locator('main').innerText();
    expect(deadDetail).toContain('40003');
    expect(deadDetail).toMatch(/invalid openid/i);

    await page.getByRole('link', { name: 'Dead letters', exact: true }).click();
    await page.waitForURL(/\/admin\/dead-letters$/);
    const deadRow = page.locator('tbody tr', { hasText: dead });
    await deadRow.getByRole('button', { name: 'Redrive' }).click();
    await page.locator('.notice').first().waitFor();
    expect(await page.locator('.notice.ok').innerText()).toContain(`Message ${dead} redriven`);
    await page.screenshot({ path: path.join(SHOTS, 'console-dead-letters.png'), fullPage: true });
    const [redriven] = await stack.waitForStatus([dead], ['sent']);
    expect(redriven).toMatchObject({ status: 'sent' });

    await page.goto(`${base}/admin/callback-dead-letters`);
    expect(await page.locator('main').innerText()).toContain(
      'No worker consumes this queue by design',
    );
    await page.goto(`${base}/admin/apps`);
    expect(await page.locator('main').innerText()).toContain(APP.appId);
    await page.close();
    expect(elsewhere).toEqual([]);
    expect(failed).toEqual([]);
  });

  it('when a redrive is posted from another origin, then it is refused (403) and nothing is redriven', async () => {
    const res = await fetch(`${stack.apiUrl}/admin/dead-letters/anything/redrive`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'http://evil.example',
      },
      body: 'csrf=forged',
    });
    expect(res.status).toBe(403);
  });

  it('when Bull Board and the API docs are opened over plain HTTP on an internal host name offline, then both render', async () => {
    const board = await open(`${base}/admin/queues`);
    await board.getByText('callback-dead-letters').first().waitFor();
    expect(await board.locator('body').innerText()).not.toMatch(/^\s*Loading\s*$/);
    await board.screenshot({
      path: path.join(SHOTS, 'bull-board-internal-host.png'),
      fullPage: true,
    });

    const docs = await open(`${base}/docs/`);
    await docs.locator('.swagger-ui .info .title').waitFor();
    expect(await docs.locator('.swagger-ui .info .title').innerText()).toContain('wechat-dispatch');
    await docs.screenshot({ path: path.join(SHOTS, 'docs-internal-host.png') });

    expect(elsewhere).toEqual([]);
    // Bull Board's page links Google Fonts; the page CSP stops the browser before any request.
    expect(failed).toEqual([expect.stringMatching(/^https:\/\/fonts\.googleapis\.com\/.* csp$/)]);
  });
});
