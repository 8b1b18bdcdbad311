import * as fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../bench/chromium';
import { login } from '../support/e2e';
import { ConsoleStack, PASSWORD, screenshot, signIn } from './console-harness';

/**
 * Issue 23, 暂离 from the board: the hall manager opens the small form on a window's tile (reason,
 * minutes), declares it, and the tile says 暂离 with the reason and the time left, also after a
 * reload (GET /api/windows/live); a declaration over rules.awayMax (15 min by default) is refused
 * with the limit named on the form.
 */
describe('暂离 from the board (Chromium)', () => {
  const stack = new ConsoleStack();
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    fs.mkdirSync('docs/screenshots', { recursive: true });
    [browser] = await Promise.all([launchChromium(), stack.start()]);
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await stack.stop();
  });

  it('a hall manager declares 暂离 on a tile and sees it there with its reason and time left', async () => {
    await signIn(page, stack.baseUrl, 'manager-h1');
    const tile = page.locator('[data-window="W05"]');
    // Element Plus puts the attribute on the input itself or on its wrapper.
    const field = (name: string) => tile.locator(`input[data-test=${name}], [data-test=${name}] input`);
    await tile.locator('[data-test=away-open]').click();
    await field('away-reason').fill('取材料');
    await field('away-minutes').fill('20');
    await tile.locator('[data-test=away-submit]').click();
    await tile.locator('[data-test=away-error]').waitFor();
    expect(await tile.locator('[data-test=away-error]').innerText()).toMatch(/rules\.awayMax \(15 min\)/);
    expect(await tile.locator('[data-test=away]').count()).toBe(0);

    await field('away-minutes').fill('10');
    await tile.locator('[data-test=away-submit]').click();
    await tile.locator('[data-test=away]').waitFor();
    expect(await tile.locator('[data-test=away]').innerText()).toMatch(/^暂离：取材料 · 剩余 (9|10)分/);
    // The other window of the hall is not away.
    expect(await page.locator('[data-window="W01"] [data-test=away]').count()).toBe(0);
    await screenshot(page, 'board-away');

    // Recorded, with who declared it: the board shows it after a reload too.
    const declared = (await (
      await fetch(`${stack.baseUrl}/api/windows/live`, {
        headers: { authorization: `Bearer ${await login(stack.baseUrl, 'manager-h1', PASSWORD)}` },
      })
    ).json()) as { windowId: string; away?: { reason: string; submittedBy: string } }[];
    expect(declared.find((w) => w.windowId === 'W05')?.away).toMatchObject({ reason: '取材料', submittedBy: 'manager-h1' });
    await page.reload();
    await page.locator('[data-window="W05"] [data-test=away]').waitFor();
  });
});
