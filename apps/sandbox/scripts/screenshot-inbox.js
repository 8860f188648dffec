/**
 * Renders a demo inbox in headless Chromium and saves it as docs/img/sandbox-inbox.png (or the
 * path given as the first argument). Run after `npx tsc -b apps/sandbox`:
 *
 *   node apps/sandbox/scripts/screenshot-inbox.js [out.png]
 */
const { mkdirSync } = require('node:fs');
const { dirname, resolve } = require('node:path');
const { chromium } = require('playwright-core');
const { startSandbox } = require('../dist');

const APP = { appId: 'wx8a3c5e7f9b1d2046', appSecret: 'demo-secret' };
const ALICE = 'oA1b2C3d4E5f6G7h8I9j0KlMnOp';
const BOB = 'oZ9y8X7w6V5u4T3s2R1q0PoNmLk';

async function send(sandbox, token, api, body) {
  const path =
    api === 'template' ? 'template/send' : `subscribe/${api === 'bizsend' ? 'bizsend' : 'send'}`;
  const res = await fetch(`${sandbox.url}/cgi-bin/message/${path}?access_token=${token}`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  return res.text();
}

async function main() {
  const out = resolve(process.argv[2] ?? resolve(__dirname, '../../../docs/img/sandbox-inbox.png'));
  const sandbox = await startSandbox({
    apps: [APP],
    templates: [
      {
        template_id: 'TPL_order_shipped',
        title: '订单发货通知',
        fields: { thing1: '商品名称', character_string2: '快递单号', time3: '发货时间' },
      },
      {
        template_id: 'TPL_payment',
        title: '付款成功通知',
        fields: { amount1: '支付金额', thing2: '商品', time3: '支付时间' },
      },
      {
        template_id: 'SUB_delivery',
        title: '配送状态提醒',
        fields: { phrase1: '配送状态', thing2: '配送员', phone_number3: '联系电话' },
      },
    ],
  });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const tokenRes = await fetch(
      `${sandbox.url}/cgi-bin/token?grant_type=client_credential&appid=${APP.appId}&secret=${APP.appSecret}`,
    );
    const { access_token: token } = await tokenRes.json();
    await send(sandbox, token, 'template', {
      touser: ALICE,
      template_id: 'TPL_payment',
      url: 'https://shop.example.com/orders/8817',
      data: {
        amount1: { value: '¥399.00' },
        thing2: { value: '无线降噪耳机' },
        time3: { value: '2026-11-26 09:58' },
      },
    });
    await send(sandbox, token, 'template', {
      touser: ALICE,
      template_id: 'TPL_order_shipped',
      url: 'https://shop.example.com/orders/8817',
      data: {
        thing1: { value: '无线降噪耳机' },
        character_string2: { value: 'SF1403928817' },
        time3: { value: '2026-11-26 10:32' },
      },
    });
    sandbox.grantConsent({ touser: BOB, template_id: 'SUB_delivery' });
    await send(sandbox, token, 'subscribe', {
      touser: BOB,
      template_id: 'SUB_delivery',
      page: 'pages/order/detail?id=77',
      data: {
        phrase1: { value: '配送中' },
        thing2: { value: '王师傅' },
        phone_number3: { value: '138-0013-8000' },
      },
    });
    sandbox.setUser({ touser: BOB, deliveryStatus: 'failed:user block' });
    await send(sandbox, token, 'template', {
      touser: BOB,
      template_id: 'TPL_legacy_notice',
      data: {
        keyword1: { value: '您预约的到店自提时间已确认，请携带取件码前往门店' },
        keyword2: { value: 'A-0420' },
      },
    });
    const page = await browser.newPage({
      viewport: { width: 860, height: 900 },
      deviceScaleFactor: 1,
    });
    await page.goto(sandbox.url, { waitUntil: 'load' });
    mkdirSync(dirname(out), { recursive: true });
    await page.screenshot({ path: out, fullPage: true });
    console.log(`saved ${out}`);
  } finally {
    await browser.close();
    await sandbox.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
