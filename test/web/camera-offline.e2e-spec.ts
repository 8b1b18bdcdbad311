/// <reference lib="dom" />
// Callbacks given to page.evaluate/waitForFunction run in the browser, hence the DOM types.
import * as path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { hashPassword } from '@hallwatch/runtime';
import { startRtspServer } from '../../apps/cli/src/demo-camera';
import { launchChromium } from '../../bench/chromium';
import { zone } from '../inference/inference-harness';
import { stopProcess } from '../ingestion/ingestion-harness';
import { freePort, MEDIA, RunningService, startService, testDatabaseUri, writeSiteFile } from '../support/e2e';
import { screenshot } from './console-harness';

const PASSWORD = 'camera-offline-password';

/**
 * A camera that goes down is not staff gone (issue 26, item 2): hall h1 needs 2 staffed windows,
 * W01 on cam-1 and W02 on cam-2, both people at their desks. cam-2's RTSP server is killed
 * mid-test: W02's tile says 摄像头离线 and is dimmed, and so is cam-2's picture, on the board (which
 * hears it pushed) and on the wall (opened after, which reads it); the header counts W02 apart and
 * never says 低于最少在岗窗口数, though only W01 is seen staffed.
 */
describe('a camera going down, on the board and the wall (Chromium)', () => {
  let browser: Browser;
  let cam1: ChildProcess | undefined;
  let cam2: ChildProcess | undefined;
  const services: RunningService[] = [];
  let baseUrl = '';

  beforeAll(async () => {
    const [port1, port2, port] = [await freePort(), await freePort(), await freePort()];
    [cam1, cam2] = await Promise.all([
      startRtspServer(port1, { '/cam': path.join(MEDIA, 'classroom-seated.mp4') }),
      startRtspServer(port2, { '/cam': path.join(MEDIA, 'classroom-seated.mp4') }),
    ]);
    const site = writeSiteFile(`
timezone: Asia/Shanghai
halls:
  - { id: h1, name: 区行政审批服务大厅, kind: hall, minStaffedWindows: 2 }
cameras:
  - { id: cam-1, hall: h1, rtsp: "rtsp://127.0.0.1:${port1}/cam", sampleEverySeconds: 1 }
  - { id: cam-2, hall: h1, rtsp: "rtsp://127.0.0.1:${port2}/cam", sampleEverySeconds: 1 }
windows:
  - { id: W01, hall: h1, name: 1号窗口, department: 区市场监管局, camera: cam-1, zone: ${zone('A')} }
  - { id: W02, hall: h1, name: 2号窗口, department: 区税务局, camera: cam-2, zone: ${zone('A')} }
schedules:
  default: { weekdays: [mon, tue, wed, thu, fri, sat, sun], open: ["00:00-24:00"] }
rules: { absenceAfter: 5s, lateAfter: 1h, earlyLeaveBefore: 1h, gapAfter: 1h, confirmSamples: 2, confirmAfter: 2s }
users:
  - { username: manager-h1, role: hall_manager, halls: [h1], passwordHash: "${await hashPassword(PASSWORD)}" }
`);
    const env = {
      HALLWATCH_SITE: site,
      MONGODB_URI: testDatabaseUri('camera_offline'),
      PORT: String(port),
      HALLWATCH_JWT_SECRET: 'e2e-camera-offline-secret-of-32-bytes',
    };
    baseUrl = `http://127.0.0.1:${port}`;
    const started = Promise.all(['inference', 'gateway', 'ingestion'].map((s) => startService(s, env, 120_000)));
    [browser] = await Promise.all([launchChromium(), started.then((s) => services.push(...s))]);
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all(services.map((s) => s.stop()));
    await Promise.all([stopProcess(cam1), stopProcess(cam2)]);
  });

  async function open(route: string, width = 1366, height = 768): Promise<Page> {
    const page = await (await browser.newContext({ viewport: { width, height }, locale: 'zh-CN' })).newPage();
    await page.goto(`${baseUrl}/login?next=${encodeURIComponent(route)}`);
    await page.fill('input[name=username]', 'manager-h1');
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(`${baseUrl}${route}`);
    await page.waitForSelector('[data-window="W01"]');
    return page;
  }

  /** Opacity and filter of an element as drawn (its own, not its ancestors'). */
  const look = (page: Page, selector: string) =>
    page.$eval(selector, (el) => ({ opacity: Number(getComputedStyle(el).opacity), filter: getComputedStyle(el).filter }));
  const header = '[data-hall="h1"] [data-test=staffed-count]';

  /** W02 shows its camera down, dimmed, W01 stays judged; the header counts W02 apart and is not red. */
  async function showsCameraDown(page: Page): Promise<void> {
    const tile = await page.waitForSelector('[data-window="W02"][data-test=camera-down][data-camera-status=offline]', { timeout: 15_000 });
    expect(await tile.textContent()).toContain('摄像头离线');
    expect(await tile.textContent()).not.toContain('未知');
    const dimmed = await look(page, '[data-window="W02"]');
    expect(dimmed.opacity).toBeLessThan(1);
    expect(dimmed.filter).toContain('grayscale');
    expect(await page.$('[data-window="W01"][data-state=staffed]:not([data-test=camera-down])')).not.toBeNull();
    expect(await look(page, '[data-window="W01"]')).toEqual({ opacity: 1, filter: 'none' });

    const text = await page.textContent(header);
    expect(text).toContain('在岗窗口 1 / 最少 2');
    expect(text).toContain('1 个窗口摄像头离线');
    expect(text).not.toContain('低于最少在岗窗口数');
    expect(await page.getAttribute(header, 'data-level')).toBe('uncertain');
    expect(await page.$eval(header, (el) => getComputedStyle(el).color)).not.toBe('rgb(192, 40, 31)');

    // cam-2's panel: dimmed, saying why, in Chinese; cam-1's is not.
    await page.waitForSelector('[data-camera="cam-2"] [data-test=frame-down]');
    expect(await page.textContent('[data-camera="cam-2"]')).toContain('摄像头离线');
    expect(await page.$('[data-camera="cam-1"] [data-test=frame-down]')).toBeNull();
    expect(await page.textContent('body')).not.toMatch(/has sent no frame|camera "?cam-2/);
  }

  it('a camera killed mid-test: its window shows 摄像头离线, dimmed, and the hall is not called understaffed', async () => {
    const board = await open('/');
    await board.waitForSelector('[data-test=push-status].el-tag--success');
    // Both cameras see their staff: the hall meets its minimum.
    await board.waitForSelector('[data-window="W01"][data-state=staffed]', { timeout: 120_000 });
    await board.waitForSelector('[data-window="W02"][data-state=staffed]', { timeout: 60_000 });
    await board.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-level') === 'met', header);
    expect(await board.$('[data-test=camera-down]')).toBeNull();
    // cam-2's latest picture on its panel, full brightness.
    await board.click('[data-camera="cam-2"] button');
    await board.waitForFunction(
      () => (document.querySelector('[data-camera="cam-2"] img.snapshot') as HTMLImageElement | null)?.naturalWidth,
    );
    expect((await look(board, '[data-camera="cam-2"] img.snapshot')).opacity).toBe(1);

    await stopProcess(cam2);
    await showsCameraDown(board);
    // The last picture stays, dimmed.
    const picture = await look(board, '[data-camera="cam-2"] img.snapshot');
    expect(picture.opacity).toBeLessThan(1);
    expect(picture.filter).toContain('grayscale');
    await screenshot(board, 'board-camera-offline');

    // The wall, opened while the camera is down, reads its status.
    const wall = await open('/wall', 1920, 1080);
    await showsCameraDown(wall);
    await screenshot(wall, 'wall-camera-offline');
    await Promise.all([board.context().close(), wall.context().close()]);
  });
});
