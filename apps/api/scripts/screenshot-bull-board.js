#!/usr/bin/env node
/**
 * Takes a screenshot of the Bull Board dashboard (or any page of the API) in headless Chromium,
 * logging in with HTTP basic auth. Shows that the dashboard loads behind its credentials.
 *
 *   API_URL=http://127.0.0.1:3000 ADMIN_USER=ops ADMIN_PASSWORD=… \
 *     node apps/api/scripts/screenshot-bull-board.js [path] [out.png]
 *
 * path defaults to /admin/queues, out to bull-board.png. CHROMIUM_PATH picks the browser
 * (default /usr/bin/chromium). Exits 1 when the page does not answer 200 or never renders.
 */
const { chromium } = require('playwright-core');

async function main() {
  const base = process.env.API_URL ?? 'http://127.0.0.1:3000';
  const path = process.argv[2] ?? '/admin/queues';
  const out = process.argv[3] ?? 'bull-board.png';
  const user = process.env.ADMIN_USER;
  const password = process.env.ADMIN_PASSWORD;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
  try {
    const context = await browser.newContext({
      viewport: { width: 1400, height: 900 },
      httpCredentials: user && password ? { username: user, password } : undefined,
    });
    const page = await context.newPage();
    const response = await page.goto(`${base}${path}`, { waitUntil: 'networkidle' });
    const status = response?.status();
    if (status !== 200) {
      throw new Error(`${path} answered ${status}`);
    }
    // Bull Board renders client-side: wait until its "Loading" placeholder is replaced.
    if (path.startsWith('/admin/queues')) {
      await page.waitForFunction("!document.body.innerText.includes('Loading')", null, {
        timeout: 15000,
      });
    }
    await page.screenshot({ path: out, fullPage: true });
    console.log(`screenshot of ${base}${path} written to ${out}`);
  } finally {
    await browser.close();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
