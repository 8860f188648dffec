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

/**
 * Launches Debian's `/usr/bin/chromium` headless through playwright-core; `extraArgs` add flags
 * (e.g. `--host-resolver-rules=MAP ops.internal 127.0.0.1` for a host name of the test's own).
 */
export function launchHeadlessChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
}
