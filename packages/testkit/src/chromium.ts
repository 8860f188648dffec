import { chromium, type Browser } from 'playwright-core';

/**
 * Flags for Debian's headless Chromium on a machine without network: without the
 * background-networking ones it keeps trying to reach Google's hosts.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches Debian's `/usr/bin/chromium` headless through playwright-core. */
export function launchHeadlessChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}
