import type { Browser, Page } from 'playwright-core';
import { connect, NatsConnection } from 'nats';
import { CardMessage, encodeMessage, IncidentMessage, incidentSubject, RectificationStepMessage, Subjects } from '@hallwatch/contracts';
import { launchChromium } from '../../bench/chromium';
import { eventually, freePort, RunningService, startService, testDatabaseUri } from '../support/e2e';
import { consoleOnlySite } from './console-harness';

const PASSWORD = 'alerts-password';
const TITLE = 'Hallwatch 窗口在岗监管';

/**
 * Alerts where the hall manager is (issue 26, item 4): an absence opening in their hall, pushed
 * while they are on another page, shows as a count on 事件督查 and in the page title, raises a
 * browser notification (permission granted) and, once switched on, a sound; a camera going
 * offline does not; looking at the incident list clears the count. A case's card (issue 22, item 6) counts on
 * 督办 the same way until the 督办 page is seen, and so does an order of the manager's hall turning
 * overdue (not one of another hall).
 */
describe('console alerts (Chromium)', () => {
  let browser: Browser;
  let gateway: RunningService;
  let nc: NatsConnection;
  let page: Page;
  let base = '';

  const open = async (kind: IncidentMessage['kind'], windowId?: string) => {
    const incident: IncidentMessage = {
      id: `${kind}:h1:${windowId ?? 'cam-1'}:${Date.now()}`,
      kind,
      hallId: 'h1',
      ...(windowId ? { windowId } : { cameraId: 'cam-1' }),
      openedAt: new Date().toISOString(),
    };
    nc.publish(incidentSubject('opened', incident), encodeMessage(incident));
    await nc.flush();
  };
  const badge = () => page.locator('[data-test=alert-badge] sup');
  const card = async (caseId: string) => {
    const at = new Date().toISOString();
    const message: CardMessage = {
      caseId,
      color: 'red',
      at,
      issuedAt: at,
      deadline: at,
      windowId: 'W01',
      hallId: 'h1',
      department: '区市场监管局',
      serviceItem: '营业执照变更登记',
      status: 'in-progress',
    };
    nc.publish(Subjects.supervisionCard, encodeMessage(message));
    await nc.flush();
  };

  /** An order's overdue step as reporting publishes it (reporting's periodic check). */
  const overdue = async (orderId: string, halls: string[]) => {
    const at = new Date().toISOString();
    const step: RectificationStepMessage = {
      orderId,
      step: 2,
      action: 'overdue',
      by: 'reporting',
      at,
      state: 'overdue',
      tier: 'blue',
      source: { kind: 'incident', id: `absence:${halls[0]}:W01:1` },
      halls,
      dueAt: at,
    };
    nc.publish(Subjects.rectification(orderId, 'overdue'), encodeMessage(step));
    await nc.flush();
  };

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const env = {
      HALLWATCH_SITE: await consoleOnlySite(PASSWORD, true),
      HALLWATCH_JWT_SECRET: 'e2e-alerts-secret-of-32-bytes-or-more',
      PORT: String(port),
      MONGODB_URI: testDatabaseUri('alerts'),
    };
    [browser, gateway, nc] = await Promise.all([
      launchChromium(),
      startService('gateway', env),
      connect({ servers: process.env.HALLWATCH_TEST_NATS_URL! }),
    ]);
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', permissions: ['notifications'] });
    // What the page asks of the browser, recorded: each notification and each tone.
    await context.addInitScript(() => {
      const w = window as unknown as { notes: string[]; tones: number };
      w.notes = [];
      w.tones = 0;
      const Real = window.Notification;
      class Recorded extends Real {
        constructor(title: string, options?: NotificationOptions) {
          super(title, options);
          w.notes.push(`${title} | ${options?.body ?? ''}`);
        }
      }
      Object.defineProperty(window, 'Notification', { value: Recorded });
      const create = AudioContext.prototype.createOscillator;
      AudioContext.prototype.createOscillator = function (this: AudioContext) {
        w.tones += 1;
        return create.call(this);
      };
    });
    page = await context.newPage();
    await page.goto(`${base}/login?next=/stats`);
    await page.fill('input[name=username]', 'manager-h1');
    await page.fill('input[name=password]', PASSWORD);
    // The push channel is open on this page too (not only on the board).
    const streamOpened = page.waitForResponse((r) => r.url().endsWith('/api/live/events'));
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}/stats`);
    await streamOpened;
  });

  afterAll(async () => {
    await browser?.close();
    await nc?.close();
    await gateway?.stop();
  });

  it('counts, notifies and sounds a new absence on another page; not a camera going offline; clears when the list is seen', async () => {
    expect(await page.title()).toBe(TITLE);
    await open('camera-offline');
    await open('absence', 'W01');
    await eventually(async () => ((await badge().textContent())?.trim() === '1' ? true : undefined), 10_000);
    expect(await page.title()).toBe(`(1) ${TITLE}`);
    const notes = await page.evaluate(() => (window as unknown as { notes: string[] }).notes);
    expect(notes).toEqual(['离岗 · 1号窗口 | 区行政审批服务大厅 · 区市场监管局']);
    expect(await page.evaluate(() => (window as unknown as { tones: number }).tones)).toBe(0);

    await page.click('[data-test=alert-sound]');
    expect(await page.evaluate(() => localStorage.getItem('hallwatch.alertSound'))).toBe('on');
    const tonesBefore = await page.evaluate(() => (window as unknown as { tones: number }).tones);
    await open('absence', 'W01');
    await eventually(async () => ((await badge().textContent())?.trim() === '2' ? true : undefined), 10_000);
    expect(await page.evaluate(() => (window as unknown as { tones: number }).tones)).toBeGreaterThan(tonesBefore);

    await page.click('a[href="/incidents"]');
    await page.waitForURL(`${base}/incidents`);
    await eventually(async () => ((await page.title()) === TITLE ? true : undefined), 5_000);
    // (the badge fades out)
    await badge().waitFor({ state: 'hidden', timeout: 5_000 });
  });

  it('counts, notifies and sounds a new card on the 督办 link; clears when the 督办 page is seen', async () => {
    const supervisionBadge = () => page.locator('[data-test=supervision-badge] sup');
    const tonesBefore = await page.evaluate(() => (window as unknown as { tones: number }).tones);
    await card('case-late-1');
    await eventually(async () => ((await supervisionBadge().textContent())?.trim() === '1' ? true : undefined), 10_000);
    expect(await page.title()).toBe(`(1) ${TITLE}`);
    const notes = await page.evaluate(() => (window as unknown as { notes: string[] }).notes);
    expect(notes[notes.length - 1]).toBe('红牌 · 1号窗口 | case-late-1 · 营业执照变更登记 · 区市场监管局');
    // The sound was switched on in the test before.
    expect(await page.evaluate(() => (window as unknown as { tones: number }).tones)).toBeGreaterThan(tonesBefore);

    await page.click('a[href="/supervision"]');
    await page.waitForURL(`${base}/supervision`);
    await supervisionBadge().waitFor({ state: 'hidden', timeout: 5_000 });
    expect(await page.title()).toBe(TITLE);
  });

  it("counts an order of the manager's hall turning overdue on the 督办 link, not one of another hall", async () => {
    const supervisionBadge = () => page.locator('[data-test=supervision-badge] sup');
    await page.click('a[href="/stats"]');
    await page.waitForURL(`${base}/stats`);
    const notesBefore = (await page.evaluate(() => (window as unknown as { notes: string[] }).notes)).length;
    await overdue('rect-other-hall', ['t1']);
    await overdue('rect-own-hall', ['h1']);
    await eventually(async () => ((await supervisionBadge().textContent())?.trim() === '1' ? true : undefined), 10_000);
    // The other hall's order came first on the same connection: had it been pushed, it would have counted by now.
    const notes = await page.evaluate(() => (window as unknown as { notes: string[] }).notes);
    expect(notes.slice(notesBefore)).toEqual([
      expect.stringMatching(/^督办单逾期 · rect-own-hall · 蓝色预警 \| 区行政审批服务大厅 · 整改期限 /),
    ]);
    expect(await page.title()).toBe(`(1) ${TITLE}`);
    await overdue('rect-own-hall-2', ['t1', 'h1']);
    await eventually(async () => ((await supervisionBadge().textContent())?.trim() === '2' ? true : undefined), 10_000);

    await page.click('a[href="/supervision"]');
    await supervisionBadge().waitFor({ state: 'hidden', timeout: 5_000 });
  });
});
