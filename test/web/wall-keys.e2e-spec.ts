import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../bench/chromium';
import { login, RunningService, Stack, startService, startStack } from '../support/e2e';

const PASSWORD = 'wall-keys-password';

/**
 * Unattended wall screens (issue 26, item 3): an admin issues a wall key for some halls; the screen
 * opens /wall?key=... once and keeps the key, across a gateway restart; the key reads the board of
 * its halls and nothing else, and a revoked key is refused at once.
 */
describe('wall keys: an unattended wall screen (Chromium)', () => {
  let browser: Browser;
  let stack: Stack;
  let gateway: RunningService;
  let base = '';
  let adminToken = '';

  const call = (method: string, path: string, bearer: string, body?: unknown) => stack.call(method, path, bearer, body);

  beforeAll(async () => {
    const site = (hash: string) => `
timezone: Asia/Shanghai
halls:
  - { id: h1, name: 区行政审批服务大厅, kind: hall }
  - { id: t1, name: 城关镇便民服务中心, kind: township }
cameras:
  - { id: cam-1, hall: h1, rtsp: "rtsp://127.0.0.1:1/none" }
  - { id: cam-2, hall: t1, rtsp: "rtsp://127.0.0.1:1/none" }
windows:
  - { id: W01, hall: h1, name: 1号窗口, department: 区市场监管局, camera: cam-1, zone: [[0, 0], [0.1, 0], [0.1, 0.1]] }
  - { id: T01, hall: t1, name: 镇1号窗口, department: 镇社保所, camera: cam-2, zone: [[0, 0], [0.1, 0], [0.1, 0.1]] }
schedules:
  default: { weekdays: [mon, tue, wed, thu, fri, sat, sun], open: ["00:00-24:00"] }
users:
  - { username: admin, role: admin, passwordHash: "${hash}" }
  - { username: manager-h1, role: hall_manager, halls: [h1], passwordHash: "${hash}" }
`;
    [browser, stack] = await Promise.all([
      launchChromium(),
      startStack({
        name: 'wall_keys',
        password: PASSWORD,
        site,
        users: ['admin'],
        // Inference answers the board's window states (no camera speaks here: they are unknown).
        services: ['gateway', 'inference'],
        // A fixed secret, as production has: what a restart must not end is the key, not a token.
        env: { HALLWATCH_JWT_SECRET: 'e2e-wall-keys-secret-of-32-bytes-or-more' },
      }),
    ]);
    [base, gateway, adminToken] = [stack.base, stack.services[0], stack.tokens.admin];
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([gateway?.stop(), stack?.stop()]);
  });

  it('is issued by an admin only, for halls of the site file, and shown once', async () => {
    const manager = await login(stack.base, 'manager-h1', PASSWORD);
    expect((await call('POST', '/api/wall-keys', manager, { label: '大屏', halls: ['h1'] })).status).toBe(403);
    const unknownHall = await call('POST', '/api/wall-keys', adminToken, { label: '大屏', halls: ['h9'] });
    expect(unknownHall.status).toBe(400);
    expect(((await unknownHall.json()) as { message: string }).message).toContain('h9');
    const noHalls = await call('POST', '/api/wall-keys', adminToken, { label: '大屏', halls: [] });
    expect(noHalls.status).toBe(400);
    expect(JSON.stringify(await noHalls.json())).toContain('halls');
  });

  it('opens the wall of its halls, keeps working after a gateway restart, reads nothing else, and ends when revoked', async () => {
    const issued = await call('POST', '/api/wall-keys', adminToken, { label: '一楼大厅大屏', halls: ['h1'] });
    expect(issued.status).toBe(201);
    const { id, key } = (await issued.json()) as { id: string; key: string };
    expect(key).toMatch(/^hwk_/);

    // The board's reads, of its own halls only.
    const read = await call('GET', '/api/windows/live', key);
    const windows = (await read.json()) as { windowId: string }[];
    expect([read.status, Array.isArray(windows) ? 'list' : JSON.stringify(windows)]).toEqual([200, 'list']);
    expect(windows.map((w) => w.windowId)).toEqual(['W01']);
    expect((await call('GET', '/api/windows/live?hall=t1', key)).status).toBe(403);
    expect((await call('GET', '/api/site', key)).status).toBe(200);
    expect((await call('GET', '/api/cameras/status', key)).status).toBe(200);
    // Nothing beyond them: statistics, incident details and decisions, the keys themselves, sign-out.
    for (const [method, path, body] of [
      ['GET', '/api/stats/attendance?from=2026-11-01&to=2026-11-30&groupBy=window'],
      ['GET', '/api/incidents/abc'],
      ['PATCH', '/api/incidents/abc', { status: 'dismissed', reason: 'x' }],
      ['POST', '/api/leaves', { leaves: [] }],
      ['GET', '/api/wall-keys'],
      ['POST', '/api/auth/logout'],
    ] as [string, string, unknown?][]) {
      expect([method, path, (await call(method, path, key, body)).status]).toEqual([method, path, 403]);
    }
    // Nor is the key listed with its secret.
    const listed = (await (await call('GET', '/api/wall-keys', adminToken)).json()) as Record<string, unknown>[];
    expect(listed).toEqual([expect.objectContaining({ id, label: '一楼大厅大屏', halls: ['h1'], createdBy: 'admin' })]);
    expect(JSON.stringify(listed)).not.toContain(key.split('_')[2]);

    // The screen opens the address once; the key leaves the address bar and stays with the browser.
    const page: Page = await (await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN' })).newPage();
    await page.goto(`${base}/wall?key=${encodeURIComponent(key)}`);
    await page.waitForSelector('[data-window="W01"]');
    expect(page.url()).toBe(`${base}/wall`);
    expect(await page.locator('[data-window="T01"]').count()).toBe(0);
    expect(await page.getByText('退出大屏').count()).toBe(0);

    await gateway.stop();
    gateway = await startService('gateway', stack.env);
    await page.goto(`${base}/wall`);
    await page.waitForSelector('[data-window="W01"]');
    expect(page.url()).toBe(`${base}/wall`);
    // Any other page of the console sends the screen back to the wall.
    await page.goto(`${base}/stats`);
    await page.waitForURL(`${base}/wall`);

    expect((await call('DELETE', `/api/wall-keys/${id}`, adminToken)).status).toBe(204);
    expect((await call('GET', '/api/windows/live', key)).status).toBe(401);
    const after = (await (await call('GET', '/api/wall-keys', adminToken)).json()) as Record<string, unknown>[];
    expect(after).toEqual([expect.objectContaining({ id, revokedBy: 'admin', revokedAt: expect.any(String) })]);
    // The open screen learns it at its push stream's next ping (15 s), and says why it stopped.
    await page.waitForURL(/\/login/, { timeout: 40_000 });
    await page.getByText('大屏密钥无效或已被撤销').waitFor();
    expect(await page.evaluate(() => localStorage.getItem('hallwatch.wallKey'))).toBeNull();
    expect((await call('DELETE', '/api/wall-keys/000000000000', adminToken)).status).toBe(404);
  });
});
