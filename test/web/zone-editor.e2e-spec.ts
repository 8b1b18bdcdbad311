/// <reference lib="dom" />
// Callbacks given to page.evaluate/waitForFunction run in the browser, hence the DOM types.
import * as fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { parseSite } from '@hallwatch/config';
import { launchChromium } from '../../bench/chromium';
import { login } from '../support/e2e';
import { awaitAnswer, ConsoleStack, PASSWORD, signIn } from './console-harness';

/**
 * The zone editor (issue 26, item 8) in real Chromium on the demo stack, whose cam-1 watches two
 * windows, W01 and W05: every zone of the camera drawn, round vertex handles, the keyboard moving a
 * vertex, the copy giving the window's whole site-file entry, and saying so plainly when the page
 * has no clipboard.
 */
describe('the zone editor (Chromium)', () => {
  const stack = new ConsoleStack();
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  /** W01 and W05 as the site file the stack runs on says. */
  let site: ReturnType<typeof parseSite>;

  async function editor(init?: () => void): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    contexts.push(context);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.baseUrl });
    if (init) await context.addInitScript(init);
    const page = await context.newPage();
    await signIn(page, stack.baseUrl, 'admin');
    await page.click('a[href="/zones"]');
    await page.waitForFunction(() => (document.querySelector('.editor img.snapshot') as HTMLImageElement | null)?.naturalWidth);
    await page.waitForSelector('[data-vertex="0"]');
    return page;
  }
  const window = (id: string) => site.windows.find((w) => w.id === id)!;

  beforeAll(async () => {
    [browser] = await Promise.all([launchChromium(), stack.start()]);
    await stack.startIngestion();
    site = parseSite(fs.readFileSync(stack.siteFile, 'utf8'));
    // The editor shows the camera's latest frame: wait until ingestion has one.
    const token = await login(stack.baseUrl, 'admin', PASSWORD);
    await awaitAnswer(stack.baseUrl, token, '/api/cameras/cam-1/snapshot', async (res) => res.status === 200 || undefined);
  });

  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    await browser?.close();
    await stack.stop();
  });

  it("draws every zone of the camera, the other window's named, and the handles are circles", async () => {
    const page = await editor();
    expect(await page.inputValue('textarea[data-test=zone-yaml]')).toMatch(/^- \{ id: W01,/);
    // W05 is cam-1's other window: its zone as the site file has it, in percent of the frame, and its name on it.
    const w05 = await page.getAttribute('[data-test=zone-canvas] polygon.other[data-zone="W05"]', 'points');
    expect(w05).toBe(
      window('W05')
        .zone.map(([x, y]) => `${x * 100},${y * 100}`)
        .join(' '),
    );
    expect(await page.textContent('[data-zone-label="W05"]')).toBe('5号窗口');
    // W01's own configured zone, under the draft.
    expect(await page.$('[data-test=zone-canvas] polygon[data-zone="W01"]:not(.other)')).not.toBeNull();
    // The frame is wider than high, which stretched the old handles into ellipses.
    const frame = (await (await page.$('[data-test=zone-canvas]'))!.boundingBox())!;
    expect(frame.width / frame.height).toBeGreaterThan(1.3);
    const handles = await page.$$('[data-test=zone-canvas] .handle');
    expect(handles).toHaveLength(window('W01').zone.length);
    for (const h of handles) {
      const box = (await h.boundingBox())!;
      expect(Math.abs(box.width - box.height)).toBeLessThan(1);
    }
  });

  it('the keyboard reaches a vertex and nudges it; the copy is the whole entry, which the site loader takes', async () => {
    const page = await editor();
    const [x0, y0] = window('W01').zone[0];
    // The vertices come next in the tab order after the toolbar's last button.
    await page.focus('[data-test=zone-clear]');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-vertex'))).toBe('0');
    // Right twice (0.01 each), down once, up once with Shift (0.05).
    for (const key of ['ArrowRight', 'ArrowRight', 'ArrowDown', 'Shift+ArrowUp']) await page.keyboard.press(key);
    const moved: [number, number] = [Math.round((x0 + 0.02) * 1000) / 1000, Math.round((y0 + 0.01 - 0.05) * 1000) / 1000];
    expect(await page.getAttribute('[data-vertex="0"]', 'aria-label')).toBe(`顶点 1：x ${moved[0]}，y ${moved[1]}`);

    await page.click('[data-test=zone-copy]');
    expect(await page.textContent('[data-test=zone-copy-note][data-ok=true]')).toContain('已复制 W01 的完整条目');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(await page.inputValue('textarea[data-test=zone-yaml]'));
    expect(copied).toMatch(/^- \{ id: W01, hall: h1, name: 1号窗口, department: 区市场监管局, camera: cam-1, zone: \[\[/);

    // Pasted over W01's line, the site file loads with W01 as it was but for the moved vertex.
    const pasted = parseSite(fs.readFileSync(stack.siteFile, 'utf8').replace(/^ {2}- \{ id: W01,.*$/m, `  ${copied}`));
    const before = window('W01');
    expect(pasted.windows.find((w) => w.id === 'W01')).toEqual({ ...before, zone: [moved, ...before.zone.slice(1)] });
  });

  it('where the page has no clipboard (plain HTTP on an intranet), says it copied nothing and selects the entry instead', async () => {
    // Chromium gives a page at 127.0.0.1 the clipboard; one at a plain-HTTP intranet address has none.
    const page = await editor(() => Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined }));
    await page.click('[data-test=zone-copy]');
    const note = await page.textContent('[data-test=zone-copy-note][data-ok=false]');
    expect(note).toContain('未复制');
    expect(note).toContain('Ctrl+C');
    expect(await page.$('text=已复制')).toBeNull();
    const selection = await page.evaluate(() => {
      const box = document.activeElement as HTMLTextAreaElement;
      return {
        test: box.getAttribute('data-test') ?? box.closest('[data-test]')?.getAttribute('data-test'),
        text: box.value.slice(box.selectionStart, box.selectionEnd),
      };
    });
    expect(selection.test).toBe('zone-yaml');
    expect(selection.text).toMatch(/^- \{ id: W01, .* \}$/);
  });
});
