import { Browser, chromium } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`, done by scripts/install-system-deps.sh). */
export const CHROMIUM = process.env.HALLWATCH_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Headless Chromium for the console's browser tests and bench:console; nothing reaches the internet.
 * `executablePath`: another way to start it (e.g. a script that runs it on another host).
 */
export function launchChromium(executablePath = CHROMIUM): Promise<Browser> {
  return chromium.launch({
    executablePath,
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
