import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../bench/chromium';
import { freePort, RunningService, startService } from '../support/e2e';
import { consoleOnlySite } from './console-harness';

const PASSWORD = 'liveness-password';

/**
 * The board and the wall say when they are no longer live (issue 26, item 2): a gateway that stops
 * answering (SIGSTOP: the socket stays open and says nothing) is noticed by the missing pings, a
 * gateway that shuts down closes the push streams itself; either way both screens show 连接中断 and
 * grey their tiles within 35 s, and come back by themselves.
 */
describe('console liveness (Chromium)', () => {
  let browser: Browser;
  let gateway: RunningService;
  let baseUrl = '';
  let env: Record<string, string> = {};

  beforeAll(async () => {
    const site = await consoleOnlySite(PASSWORD);
    const port = await freePort();
    env = { HALLWATCH_SITE: site, HALLWATCH_JWT_SECRET: 'e2e-liveness-secret-of-32-bytes-or-more', PORT: String(port) };
    baseUrl = `http://127.0.0.1:${port}`;
    [browser, gateway] = await Promise.all([launchChromium(), startService('gateway', env)]);
  });

  afterAll(async () => {
    await browser?.close();
    gateway?.process.kill('SIGCONT');
    await gateway?.stop();
  });

  async function open(path: string): Promise<Page> {
    const page = await (await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' })).newPage();
    await page.goto(`${baseUrl}/login?next=${encodeURIComponent(path)}`);
    await page.fill('input[name=username]', 'manager-h1');
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(`${baseUrl}${path}`);
    await page.waitForSelector('[data-window="W01"]');
    return page;
  }

  const lost = (page: Page) => page.$('[data-test=connection-lost]');
  const greyed = (page: Page) => page.$('[data-test=halls].stale');

  it('a silent gateway: 连接中断 and grey tiles on the board and the wall within 35 s, live again when it answers', async () => {
    const [board, wall] = [await open('/'), await open('/wall')];
    await board.waitForSelector('[data-test=push-status].el-tag--success');
    // Both screens have heard the stream; a live screen shows no banner.
    for (const page of [board, wall]) {
      await page.waitForFunction(() => !document.querySelector('[data-test=connection-lost]'));
      expect(await greyed(page)).toBeNull();
    }

    const stoppedAt = Date.now();
    gateway.process.kill('SIGSTOP');
    for (const page of [board, wall]) {
      const banner = await page.waitForSelector('[data-test=connection-lost]', { timeout: 35_000 - (Date.now() - stoppedAt) });
      expect(await banner.textContent()).toMatch(/连接中断.*最后更新于 .+ 前/);
      expect(await greyed(page)).not.toBeNull();
    }
    expect(Date.now() - stoppedAt).toBeLessThan(35_000);

    gateway.process.kill('SIGCONT');
    for (const page of [board, wall]) {
      await page.waitForFunction(() => !document.querySelector('[data-test=connection-lost]'), undefined, { timeout: 60_000 });
      expect(await greyed(page)).toBeNull();
    }
    await board.waitForSelector('[data-test=push-status].el-tag--success');
    await Promise.all([board.context().close(), wall.context().close()]);
  });

  it('a gateway that shuts down ends the push streams first: 连接中断 at once', async () => {
    const board = await open('/');
    await board.waitForSelector('[data-test=push-status].el-tag--success');
    const stoppedAt = Date.now();
    gateway.process.kill('SIGTERM');
    await board.waitForSelector('[data-test=connection-lost]', { timeout: 35_000 });
    // Ended by the gateway as it shuts down: long before two missed pings (30 s) would tell, and
    // before the process is gone (a stream left open ends only when the test kills it, after 5 s).
    expect(Date.now() - stoppedAt).toBeLessThan(3_000);
    await gateway.stop();
    expect(await lost(board)).not.toBeNull();
    expect(await greyed(board)).not.toBeNull();
    await board.context().close();
  });
});
