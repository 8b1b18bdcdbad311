import { Browser, chromium } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`, done by scripts/install-system-deps.sh). */
export const CHROMIUM = process.env.HALLWATCH_CHROMIUM ?? '/usr/bin/chromium';

/** Headless Chromium for the console's browser tests and bench:console; nothing reaches the internet. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
