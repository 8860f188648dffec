import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { launchHeadlessChromium } from '@wechat-dispatch/testkit';
import { startSandbox } from '@wechat-dispatch/sandbox';
import type { Browser } from 'playwright-core';
import type { SandboxHandle } from '@wechat-dispatch/sandbox';
import { APP, OPENID } from './helpers/test-apps';
import { fetchToken, postTemplate } from './helpers/http';

describe('sandbox inbox page', () => {
  let sandbox: SandboxHandle;
  let browser: Browser;

  beforeAll(async () => {
    sandbox = await startSandbox({
      apps: [APP],
      templates: [
        {
          template_id: 'TPL_shipped',
          title: '订单发货通知',
          fields: { thing1: '商品名称', character_string2: '快递单号' },
        },
      ],
    });
    browser = await launchHeadlessChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await sandbox?.close();
  });

  it('when two template messages were sent, then headless Chromium renders both cards with their fields and link', async () => {
    const token = await fetchToken(sandbox);
    await postTemplate(sandbox, token, {
      touser: OPENID,
      template_id: 'TPL_shipped',
      url: 'https://shop.example.com/orders/42',
      data: { thing1: { value: '无线降噪耳机' }, character_string2: { value: 'SF1234567890' } },
    });
    await postTemplate(sandbox, token, {
      touser: 'oUser0000000000000000000002',
      template_id: 'TPL_legacy',
      data: {
        keyword1: { value: '<b>bold</b>' },
        '<img src=x onerror=alert(1)>': { value: 'label' },
        keyword2: { value: '预约已确认' },
      },
    });
    const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });

    await page.goto(sandbox.url, { waitUntil: 'load' });
    const text = await page.locator('main').innerText();
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-inbox-'));
    const shot = join(dir, 'inbox.png');
    await page.screenshot({ path: shot, fullPage: true });

    expect(await page.title()).toBe('WeChat Sandbox · Inbox');
    expect(await page.locator('section.phone').count()).toBe(2);
    expect(text).toContain('订单发货通知');
    expect(text).toContain('无线降噪耳机');
    expect(text).toContain('SF1234567890');
    expect(text).toContain('预约已确认');
    expect(text).toContain('<b>bold</b>');
    expect(text).toContain('<img src=x onerror=alert(1)>');
    expect(await page.locator('main img, main b').count()).toBe(0);
    expect(await page.locator('a.jump').getAttribute('href')).toBe(
      'https://shop.example.com/orders/42',
    );
    expect(dialogs).toEqual([]);
    expect(statSync(shot).size).toBeGreaterThan(10_000);
  });

  it('when a new message arrives while the page is open, then the page refreshes by itself and shows it', async () => {
    const page = await browser.newPage();
    await page.goto(sandbox.url, { waitUntil: 'load' });
    const phonesBefore = await page.locator('section.phone').count();
    const token = await fetchToken(sandbox);

    await postTemplate(sandbox, token, {
      touser: 'oUser0000000000000000000003',
      template_id: 'TPL_live',
      data: { keyword1: { value: '自动刷新' } },
    });
    await page.waitForSelector('section.phone[data-touser="oUser0000000000000000000003"]', {
      timeout: 30_000,
    });

    expect(await page.locator('section.phone').count()).toBe(phonesBefore + 1);
    expect(await page.locator('main').innerText()).toContain('自动刷新');
  });
});
