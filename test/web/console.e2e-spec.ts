/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Callbacks given to page.evaluate/waitForFunction run in the browser, hence the DOM types.
import * as fs from 'node:fs';
import ExcelJS from 'exceljs';
import mongoose from 'mongoose';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { parseSite } from '@hallwatch/config';
import { previewOpenApiDocument } from '../../apps/gateway/src/openapi-document';
import { launchChromium } from '../../bench/chromium';
import { eventually, login } from '../support/e2e';
import { ConsoleStack, followEvents, PASSWORD, screenshot, signIn } from './console-harness';

/**
 * The web console in real Chromium against the real stack: RTSP cameras looping the test clips,
 * ingestion, inference, reporting and the gateway serving the console at `/`.
 */
describe('web console (Chromium)', () => {
  const stack = new ConsoleStack();
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  /** Push channels opened before the cameras speak, read by the last test. */
  const streams: Record<string, ReturnType<typeof followEvents>> = {};
  /** One token per user (a login is costly by design, and may be rate-limited). */
  const tokens = new Map<string, Promise<string>>();
  const token = (username: string) => tokens.get(username) ?? tokens.set(username, login(stack.baseUrl, username, PASSWORD)).get(username)!;
  const api = async (path: string, username: string) =>
    fetch(`${stack.baseUrl}${path}`, { headers: { authorization: `Bearer ${await token(username)}` } });
  const send = async (method: 'POST' | 'PATCH', path: string, username: string, body: unknown) =>
    fetch(`${stack.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${await token(username)}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  type IncidentAnswer = { id: string; status: string; audit: { by: string; action: string; reason?: string }[] };

  async function newPage(width = 1366, height = 768): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height }, acceptDownloads: true, locale: 'zh-CN' });
    contexts.push(context);
    return context.newPage();
  }
  const tileState = (page: Page, windowId: string) => page.getAttribute(`[data-window="${windowId}"]`, 'data-state');

  beforeAll(async () => {
    fs.mkdirSync('docs/screenshots', { recursive: true });
    [browser] = await Promise.all([launchChromium(), stack.start()]);
  });

  afterAll(async () => {
    for (const s of Object.values(streams)) s.close();
    await Promise.all(contexts.map((c) => c.close()));
    await browser?.close();
    await stack.stop();
  });

  it('a missing token and a bad password keep the login page, with a message in Chinese', async () => {
    const page = await newPage();
    await page.goto(`${stack.baseUrl}/incidents`);
    await page.waitForURL(/\/login\?next=(%2F|\/)incidents/);
    expect(await page.textContent('[data-test=login-notice]')).toContain('请先登录');
    await page.fill('input[name=username]', 'admin');
    await page.fill('input[name=password]', 'wrong password');
    await page.click('button[type=submit]');
    expect(await (await page.waitForSelector('[data-test=login-error]')).textContent()).toContain('用户名或密码错误');
    await screenshot(page, 'login');
  });

  it('the hall manager watches its own hall: tiles change from 未知 to 在岗 and 离岗 without a reload', async () => {
    const page = await newPage();
    await signIn(page, stack.baseUrl, 'manager-h1');
    // Before any camera speaks, every window is unknown; the push channel is open.
    expect(await tileState(page, 'W01')).toBe('unknown');
    expect(await page.textContent('[data-window="W01"]')).toContain('未知');
    await page.waitForSelector('[data-test=push-status].el-tag--success');
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
    for (const user of ['admin', 'manager-h1']) streams[user] = followEvents(stack.baseUrl, await token(user));

    await stack.startIngestion();
    await page.waitForSelector('[data-window="W01"][data-state="staffed"]', { timeout: 120_000 });
    await page.waitForSelector('[data-window="W05"][data-state="absent"]', { timeout: 60_000 });
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    const w01 = await page.textContent('[data-window="W01"]');
    expect(w01).toContain('在岗');
    expect(w01).toContain('区市场监管局');
    expect(w01).toContain('张敏');
    expect(await page.textContent('[data-window="W05"]')).toContain('离岗');
    expect(await page.textContent('[data-hall="h1"] [data-test=staffed-count]')).toContain('在岗窗口 1 / 最少 2');

    // The camera panel shows the latest frame with each zone coloured by its window's state.
    await page.click('[data-camera="cam-1"] button');
    const frame = await page.waitForSelector('[data-camera="cam-1"] img.snapshot');
    await page.waitForFunction((img) => (img as HTMLImageElement).naturalWidth > 0, frame);
    await page.waitForSelector('[data-camera="cam-1"] polygon[data-zone="W01"][data-state="staffed"]');

    // Never another hall's name, tiles or camera.
    await page.waitForSelector('[data-hall="h1"] [data-test=staffed-count]');
    expect(await page.content()).not.toContain('城关镇便民服务中心');
    expect(await page.$('[data-window="T01"]')).toBeNull();
    expect(await page.$('a[href="/zones"]')).toBeNull();
    await screenshot(page, 'board-manager');
  });

  it('the supervisor reviews an absence: J/K/Enter walk the queue, evidence frames load (full size on click), C confirms with a reason, the audit trail shows it', async () => {
    const absence = await eventually(
      async () => {
        const res = await api('/api/incidents?kind=absence&window=T01', 'supervisor');
        const list = ((await res.json()) as { items: { id: string; evidence: unknown[] }[] }).items;
        return list.find((i) => i.evidence.length > 0);
      },
      90_000,
      1000,
    );

    const page = await newPage();
    await signIn(page, stack.baseUrl, 'supervisor');
    expect(await page.textContent('body')).toContain('城关镇便民服务中心');
    await page.click('a[href="/incidents"]');
    await page.waitForSelector(`[data-test=incident-table] .el-table__row:has-text("5号窗口")`);
    await page.waitForSelector(`[data-test=incident-table] .el-table__row:has-text("综合窗口")`);
    // Keyboard: J moves down the queue, Enter opens, K steps back to the previous incident.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('j');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/incidents\/.+/);
    const second = page.url();
    await page.waitForSelector('[data-test=incident-facts]');
    await page.keyboard.press('k');
    await page.waitForURL((url) => url.toString() !== second);
    expect(page.url()).toMatch(/\/incidents\/.+/);
    await page.click('text=返回队列');
    const row = await page.waitForSelector(`[data-test=incident-table] .el-table__row:has-text("综合窗口")`);
    await row.click();
    await page.waitForURL(new RegExp(`/incidents/${encodeURIComponent(absence.id)}$`));
    await page.waitForSelector('[data-test=evidence] img');
    await page.waitForFunction(() => {
      const imgs = Array.from(document.querySelectorAll<HTMLImageElement>('[data-test=evidence] img'));
      return imgs.length > 0 && imgs.every((img) => img.complete && img.naturalWidth > 0);
    });
    expect(await page.textContent('[data-test=incident-facts]')).toContain('离岗');
    // Each frame shows the window's zone outlined and named (drawn over the image, from the site).
    await page.waitForSelector('[data-test=evidence] polygon[data-zone="T01"].main');
    expect(await page.textContent('[data-test=evidence] [data-zone-label="T01"]')).toBe('综合窗口');
    // A click shows it large, outline included, as wide as the screen allows.
    await page.click('[data-test=evidence] img');
    const large = await page.waitForSelector('[data-test=evidence-large] img');
    expect((await large.boundingBox())!.width).toBeGreaterThan(1000);
    await page.waitForSelector('[data-test=evidence-large] polygon[data-zone="T01"].main');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-test=evidence-large] img', { state: 'detached' });

    await page.keyboard.press('c');
    await page.waitForSelector('textarea[data-test=reason]');
    await page.click('[data-test=decide]');
    await page.waitForSelector('text=请填写理由');
    await page.fill('textarea[data-test=reason]', '调取录像核实：工作人员擅自离岗');
    await page.click('[data-test=decide]');
    await page.waitForSelector('[data-test=audit] >> text=调取录像核实：工作人员擅自离岗');
    await page.waitForSelector('textarea[data-test=reason]', { state: 'hidden' });
    expect(await page.textContent('[data-test=incident-status]')).toContain('已确认');
    expect(await page.textContent('[data-test=audit]')).toContain('supervisor');
    await screenshot(page, 'incident-review');

    // The decision is the API's, not the page's.
    const saved = (await (await api(`/api/incidents/${encodeURIComponent(absence.id)}`, 'supervisor')).json()) as {
      status: string;
      audit: { reason?: string }[];
    };
    expect(saved.status).toBe('confirmed');
    expect(saved.audit.map((a) => a.reason)).toContain('调取录像核实：工作人员擅自离岗');
  });

  it('the hall manager reads incidents but cannot review them', async () => {
    const page = await newPage();
    await signIn(page, stack.baseUrl, 'manager-h1');
    await page.goto(`${stack.baseUrl}/incidents`);
    const row = await page.waitForSelector('[data-test=incident-table] .el-table__row', { timeout: 60_000 });
    await row.click();
    await page.waitForSelector('text=仅督查人员和管理员可审核');
    expect(await page.$('[data-test=confirm]')).toBeNull();
    expect(await page.content()).not.toContain('城关镇便民服务中心');
  });

  it('the evaluator sees the charts (暂无数据 where there is nothing), rates as %, 未排班, and downloads an XLSX headed as the screen', async () => {
    type Row = Record<string, string | number | null>;
    /** A calendar day in the site's time zone (UTC+8), `offset` days from today: the page's default period is the last 30 days. */
    const day = (offset: number) => new Date(Date.now() + 8 * 3_600_000 + offset * 86_400_000).toISOString().slice(0, 10);
    const period = `from=${day(-29)}&to=${day(0)}`;
    // No case has been posted yet (the next test posts the first): no on-time rate to chart.
    const throughput = (await (await api(`/api/stats/throughput?${period}&groupBy=window`, 'evaluator')).json()) as Row[];
    expect(throughput.map((r) => r.onTimeRate)).toEqual([null, null, null]);

    const page = await newPage();
    await signIn(page, stack.baseUrl, 'evaluator');
    expect(await page.$('a[href="/zones"]')).toBeNull();
    await page.click('a[href="/stats"]');
    await page.waitForSelector('[data-test=table-attendance] .el-table__row');
    // Each of the seven charts (the persons-waiting series the seventh) drawn, or saying there is nothing to draw.
    await page.waitForFunction(() => {
      const cards = Array.from(document.querySelectorAll('[data-chart]'));
      return cards.length === 7 && cards.every((c) => c.querySelector('canvas') || c.querySelector('[data-test=chart-empty]'));
    });
    expect(await page.textContent('[data-chart=onTime] [data-test=chart-empty]')).toContain('暂无数据');
    expect(await page.textContent('[data-chart=wait] [data-test=chart-empty]')).toContain('暂无数据');
    expect(await page.$('[data-chart=rate] canvas')).not.toBeNull();

    // The attendance rate as a percentage with one decimal, of the API's fraction.
    const row = await page.waitForSelector('[data-test=table-attendance] .el-table__row:has-text("1号窗口")');
    const attendance = (await (await api(`/api/stats/attendance?${period}&groupBy=window`, 'evaluator')).json()) as Row[];
    const rate = attendance.find((r) => r.window === 'W01')!.attendanceRate as number;
    const shown = (await row.$eval('[data-col=attendanceRate]', (el) => el.textContent))?.trim();
    expect(shown).toMatch(/^\d{1,3}\.\d%$/);
    expect(Math.abs(parseFloat(shown!) - rate * 100)).toBeLessThanOrEqual(0.1);

    // The XLSX: Chinese sheet and file name, a title row, then the screen's headers in the screen's order.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=download-attendance-xlsx]')]);
    expect(download.suggestedFilename()).toBe(`出勤统计_按窗口_${day(-29)}至${day(0)}.xlsx`);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(await download.path());
    const sheet = book.getWorksheet('出勤统计')!;
    expect(String(sheet.getCell('A1').value)).toContain(`${day(-29)} 至 ${day(0)}`);
    const screenHeaders = await page.$$eval('[data-test=table-attendance] .el-table__header-wrapper th', (ths) =>
      ths.map((th) => th.textContent?.trim() ?? '').filter((text) => text !== ''),
    );
    expect(screenHeaders.length).toBeGreaterThan(20);
    expect((sheet.getRow(2).values as unknown[]).slice(1)).toEqual(screenHeaders);
    const names = JSON.stringify(sheet.getColumn(1).values);
    expect(names).toContain('1号窗口');
    expect(names).not.toContain('W01');
    await screenshot(page, 'statistics');

    // Grouped by staff: the time nobody on the roster can be tied to (no case yet) is 未排班.
    await page.click('[data-test=group-by] >> text=人员');
    await page.click('[data-test=search]');
    await page.waitForSelector('[data-test=table-attendance] .el-table__row:has-text("未排班")');
    expect(await page.textContent('[data-test=table-attendance]')).not.toContain('unassigned');

    // The period's shortcut 上月: the whole previous month in the site's calendar.
    const [y, m] = day(0).split('-').map(Number);
    const [py, pm] = m === 1 ? [y - 1, 12] : [y, m - 1];
    const month = `${py}-${String(pm).padStart(2, '0')}`;
    await page.click('.el-range-editor');
    await page.click('.el-picker-panel__shortcut:has-text("上月")');
    const range = await page.$$eval('.el-range-editor input', (inputs) => inputs.map((i) => (i as HTMLInputElement).value));
    expect(range).toEqual([`${month}-01`, `${month}-${new Date(Date.UTC(py, pm, 0)).getUTCDate()}`]);
  });

  it('the evaluator reads the evaluation table (效能考核) for a seeded case set: inputs, weights, score and ranks as the API gives them', async () => {
    // Three cases at W01 within the last hour: two finished by their deadline (rated 5 and 4), one late (rated 1).
    const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
    const kase = (caseId: string, late: boolean, satisfaction: number) => ({
      caseId,
      windowId: 'W01',
      staffId: 'S001',
      serviceItem: '营业执照',
      takenAt: ago(40),
      calledAt: ago(35),
      startedAt: ago(35),
      finishedAt: ago(20),
      deadline: late ? ago(30) : ago(10),
      status: 'completed',
      satisfaction,
    });
    const posted = await send('POST', '/api/cases', 'admin', {
      cases: [kase('EVAL-1', false, 5), kase('EVAL-2', false, 4), kase('EVAL-3', true, 1)],
    });
    expect(await posted.json()).toMatchObject({ accepted: 3, rejected: 0 });
    type Row = Record<string, string | number | null>;
    /** A calendar day in the site's time zone (UTC+8), `offset` days from today. */
    const day = (offset: number) => new Date(Date.now() + 8 * 3_600_000 + offset * 86_400_000).toISOString().slice(0, 10);
    const w01 = await eventually(async () => {
      const rows = (await (await api(`/api/stats/evaluation?groupBy=window&from=${day(-1)}&to=${day(0)}`, 'evaluator')).json()) as Row[];
      return rows.find((r) => r.window === 'W01' && r.casesHandled === 3);
    }, 30_000);
    // By hand: on time 2 / 3; mean satisfaction 10 / 3, one rating of 3 ≤ 2; cases per staffed hour far
    // above the target of 4 (minutes staffed), so throughput is whole; default weights 40/20/20/20, no
    // deductions: score = 40 × attendanceRate + 20 × 2/3 + 20 × (10/3 − 1) / 4 + 20 = 40 × attendanceRate + 45.
    expect(w01).toMatchObject({ onTimeRate: 0.6667, ratings: 3, meanSatisfaction: 3.33, lowSatisfactionShare: 0.3333 });
    expect(w01).toMatchObject({ weightAttendance: 40, weightOnTime: 20, weightSatisfaction: 20, weightThroughput: 20, deductions: 0 });
    expect(w01.score as number).toBeCloseTo(40 * (w01.attendanceRate as number) + 45, 1);
    // W05's seat has been empty all along: attendance 0 and nothing else measured, so W01 ranks first in the hall.
    expect(w01).toMatchObject({ rankHall: 'h1', rankInHall: 1, rankDepartment: '区市场监管局', rankInDepartment: 1 });

    const page = await newPage();
    await signIn(page, stack.baseUrl, 'evaluator');
    await page.click('a[href="/stats"]');
    await page.click('#tab-evaluation');
    const row = await page.waitForSelector('[data-test=table-evaluation] .el-table__row:has-text("1号窗口")');
    const cell = async (col: string) => (await row.$eval(`[data-col=${col}]`, (el) => el.textContent))?.trim();
    expect(await cell('casesHandled')).toBe('3');
    expect(await cell('onTimeRate')).toBe('66.7%');
    expect(await cell('meanSatisfaction')).toBe('3.33');
    expect(await cell('lowSatisfactionShare')).toBe('33.3%');
    expect(await cell('rankInHall')).toBe('1');
    expect(await cell('rankHall')).toBe('区行政审批服务大厅');
    expect(Number(await cell('score'))).toBeGreaterThanOrEqual(45);
    // The page's period is the last 30 days of a 24-hour schedule, judged only since the stack started
    // minutes ago: the score stands on far less than 80% of the scheduled time, and says so next to it.
    const pageRows = (await (await api(`/api/stats/evaluation?groupBy=window&from=${day(-29)}&to=${day(0)}`, 'evaluator')).json()) as Row[];
    const coverage = pageRows.find((r) => r.window === 'W01')!.coverage as number;
    expect(coverage).toBeLessThan(0.01);
    expect(await cell('coverage')).toBe(`${(Math.round(coverage * 1000) / 10).toFixed(1)}%`);
    expect(await row.$eval('[data-test=coverage-warning]', (el) => el.textContent)).toContain('已判断时长不足80%');
    // The weights once, above the table; not a column.
    const weights = await page.$$eval('[data-test=evaluation-weights]', (els) => els.map((el) => el.textContent?.trim()));
    expect(weights).toEqual([
      '权重与扣分：出勤率 40 · 按时办结 20 · 满意度 20 · 办件效率 20 · 满分办件效率(件/小时) 4 · 每起离岗扣分 2 · 每件属实投诉扣分 5 · 每起叫号空岗扣分 2 · 每张红牌扣分 3',
    ]);
    const headers = await page.textContent('[data-test=table-evaluation] .el-table__header');
    for (const h of ['效能得分', '覆盖率(已判断/应在岗)', '覆盖提示', '大厅内排名', '部门内排名', '出勤率(不含请假)'])
      expect(headers).toContain(h);
    expect(headers).not.toContain('权重');
    // Every group of the API is a row (the evaluator sees both halls).
    expect(await page.$$eval('[data-test=table-evaluation] .el-table__body-wrapper .el-table__row', (rows) => rows.length)).toBe(3);

    await page.$eval('[data-test=table-evaluation]', (el) => el.scrollIntoView({ block: 'end' }));
    await screenshot(page, 'evaluation');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=download-evaluation-csv]')]);
    const csv = fs.readFileSync(await download.path(), 'utf8');
    expect(download.suggestedFilename()).toBe(`效能考核_按窗口_${day(-29)}至${day(0)}.csv`);
    expect(csv).toContain('效能得分');
    expect(csv).toContain('1号窗口');
    expect(csv).toContain('66.7%');
  });

  it('the hall manager appeals a confirmed absence from the page (申诉待决), and sees the queue event of a queue-open-seat-empty incident', async () => {
    // The queue system opens W05 for calling while its seat is empty.
    const queued = await send('POST', '/api/queue-events', 'manager-h1', {
      events: [{ windowId: 'W05', staffId: 'S005', event: 'login', at: new Date().toISOString() }],
    });
    expect(await queued.json()).toMatchObject({ accepted: 1, rejected: 0 });
    const absence = await eventually(async () => {
      const list = ((await (await api('/api/incidents?kind=absence&window=W05', 'manager-h1')).json()) as { items: IncidentAnswer[] })
        .items;
      return list.find((i) => i.status === 'open');
    }, 60_000);
    const page = await newPage();
    await signIn(page, stack.baseUrl, 'manager-h1');
    await page.goto(`${stack.baseUrl}/incidents/${encodeURIComponent(absence.id)}`);
    await page.waitForSelector('[data-test=incident-status]:has-text("进行中")');
    // An open incident cannot be appealed yet; the manager never reviews.
    expect(await page.isDisabled('[data-test=appeal]')).toBe(true);
    expect(await page.$('[data-test=confirm]')).toBeNull();

    expect(
      (await send('PATCH', `/api/incidents/${encodeURIComponent(absence.id)}`, 'supervisor', { status: 'confirmed', reason: '核实离岗' }))
        .status,
    ).toBe(200);
    await page.reload();
    await page.waitForSelector('[data-test=incident-status]:has-text("已确认")');
    await page.click('[data-test=appeal]');
    await page.waitForSelector('textarea[data-test=reason]');
    await page.click('[data-test=decide]');
    await page.waitForSelector('text=请填写理由');
    const reason = '当事人称当时在后台为群众复印材料，有值班记录为证';
    await page.fill('textarea[data-test=reason]', reason);
    await page.click('[data-test=decide]');
    await page.waitForSelector(`[data-test=audit] >> text=${reason}`);
    await page.waitForSelector('textarea[data-test=reason]', { state: 'hidden' });
    expect(await page.textContent('[data-test=incident-status]')).toContain('申诉待决');
    expect(await page.isDisabled('[data-test=appeal]')).toBe(true);
    const saved = (await (await api(`/api/incidents/${encodeURIComponent(absence.id)}`, 'supervisor')).json()) as IncidentAnswer;
    expect(saved.status).toBe('appealed');
    expect(saved.audit).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'appealed', by: 'manager-h1', reason })]));

    const mismatch = await eventually(async () => {
      const list = (
        (await (await api('/api/incidents?kind=queue-open-seat-empty&window=W05', 'manager-h1')).json()) as { items: IncidentAnswer[] }
      ).items;
      return list[0];
    }, 60_000);
    await page.goto(`${stack.baseUrl}/incidents/${encodeURIComponent(mismatch.id)}`);
    const facts = await (await page.waitForSelector('[data-test=incident-queue-event]')).textContent();
    expect(facts).toContain('S005');
    expect(facts).toContain('登录');
    expect(await page.textContent('[data-test=incident-facts]')).toContain('叫号空岗');
  });

  it('the admin draws a zone, sees whether someone is in it, and the window entry it copies is accepted by the site loader', async () => {
    const page = await newPage();
    await signIn(page, stack.baseUrl, 'admin');
    await page.click('a[href="/zones"]');
    await page.waitForFunction(() => (document.querySelector('.editor img.snapshot') as HTMLImageElement | null)?.naturalWidth);
    // W01's configured zone holds a seated person (the detector loads in the gateway on first use).
    await page.waitForSelector('[data-test=zone-occupancy][data-occupied=true]', { timeout: 90_000 });

    // Draw the empty seat (zone E of the clip) point by point.
    await page.click('[data-test=zone-clear]');
    const box = (await (await page.$('[data-test=zone-canvas]'))!.boundingBox())!;
    for (const [x, y] of [
      [0.265, 0.685],
      [0.365, 0.685],
      [0.365, 0.875],
      [0.265, 0.875],
    ])
      await page.mouse.click(box.x + x * box.width, box.y + y * box.height);
    await page.waitForSelector('[data-test=zone-occupancy][data-occupied=false]', { timeout: 60_000 });
    const yaml = await page.inputValue('textarea[data-test=zone-yaml]');
    expect(yaml).toMatch(/^- \{ id: W01, .*zone: \[\[0\.\d+, 0\.\d+\], \[/);
    // The whole entry takes the place of W01's line.
    const site = fs.readFileSync(stack.siteFile, 'utf8').replace(/^ {2}- \{ id: W01,.*$/m, `  ${yaml}`);
    const zone = parseSite(site).windows.find((w) => w.id === 'W01')!.zone;
    expect(zone).toHaveLength(4);
    expect(zone[0][0]).toBeCloseTo(0.265, 2);
    expect(zone[2][1]).toBeCloseTo(0.875, 2);
    await screenshot(page, 'zones');
  });

  it('wall mode fills a 1920×1080 screen with large type; English is one click away', async () => {
    const page = await newPage(1920, 1080);
    await signIn(page, stack.baseUrl, 'admin');
    await page.click('a[href="/wall"]');
    await page.waitForSelector('.wall [data-window="W01"][data-state="staffed"]');
    const size = await page.$eval('.wall [data-window="W01"] .name', (el) => parseFloat(getComputedStyle(el).fontSize));
    expect(size).toBeGreaterThanOrEqual(28);
    await screenshot(page, 'wall');
    await page.click('text=退出大屏');
    await page.click('.lang');
    await page.waitForSelector('[data-window="W01"] >> text=Staffed');
    // A forged token sends the user back to the login page with a message.
    await page.evaluate(() => {
      const s = JSON.parse(sessionStorage.getItem('hallwatch.session')!);
      sessionStorage.setItem('hallwatch.session', JSON.stringify({ ...s, token: 'forged.token.value' }));
    });
    await page.reload();
    await page.waitForURL(/\/login/);
    expect(await page.textContent('[data-test=login-notice]')).toMatch(/expired|过期/);
  });

  it("the push channel, snapshots and the site description keep to the caller's halls", async () => {
    // Real events of both halls went out (the township's window was judged absent)...
    await eventually(async () => (streams.admin.events.some((e) => e.data.hallId === 't1') ? true : undefined), 30_000);
    expect(streams.admin.events.some((e) => e.type === 'presence' && e.data.windowId === 'W01')).toBe(true);
    // ...and the hall manager of h1 received h1's only.
    expect(streams['manager-h1'].events.some((e) => e.type === 'presence' && e.data.windowId === 'W01')).toBe(true);
    expect(streams['manager-h1'].events.some((e) => e.type.startsWith('incident.'))).toBe(true);
    expect(streams['manager-h1'].events.filter((e) => e.data.hallId !== 'h1')).toEqual([]);
    expect((await fetch(`${stack.baseUrl}/api/live/events`)).status).toBe(401);

    const own = await api('/api/cameras/cam-1/snapshot', 'manager-h1');
    expect(own.status).toBe(200);
    expect(own.headers.get('content-type')).toBe('image/jpeg');
    expect(Date.parse(own.headers.get('hallwatch-captured-at')!)).toBeGreaterThan(Date.now() - 60_000);
    const jpeg = Buffer.from(await own.arrayBuffer());
    expect(jpeg.subarray(0, 2).toString('hex')).toBe('ffd8');
    expect((await api('/api/cameras/cam-2/snapshot', 'manager-h1')).status).toBe(403);
    expect((await api('/api/cameras/cam-9/snapshot', 'admin')).status).toBe(404);
    expect((await api('/api/cameras/cam.1/snapshot', 'admin')).status).toBe(400);
    // Camera health too, read and pushed: both cameras spoke, the hall manager hears of cam-1 only.
    const health = async (username: string) =>
      ((await (await api('/api/cameras/status', username)).json()) as { cameraId: string; hallId: string; status: string }[])
        .map((c) => `${c.cameraId} ${c.hallId} ${c.status}`)
        .sort();
    expect(await health('admin')).toEqual(['cam-1 h1 online', 'cam-2 t1 online']);
    expect(await health('manager-h1')).toEqual(['cam-1 h1 online']);
    expect(streams.admin.events).toContainEqual({ type: 'camera', data: expect.objectContaining({ cameraId: 'cam-2', status: 'online' }) });
    expect(streams['manager-h1'].events).toContainEqual({
      type: 'camera',
      data: expect.objectContaining({ cameraId: 'cam-1', status: 'online' }),
    });

    const occupancy = async (username: string, body: object) =>
      fetch(`${stack.baseUrl}/api/zones/occupancy`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await token(username)}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const square = [
      [0.1, 0.1],
      [0.2, 0.1],
      [0.2, 0.2],
    ];
    expect((await occupancy('manager-h1', { cameraId: 'cam-1', zone: square })).status).toBe(403);
    const bad = await occupancy('admin', {
      cameraId: 'cam-1',
      zone: [
        [0.1, 0.1],
        [1.5, 0.1],
        [0.2, 0.2],
      ],
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('zone must be a list of [x, y] points, each between 0 and 1');

    const site = (await (await api('/api/site', 'manager-h1')).json()) as {
      halls: { id: string }[];
      cameras: object[];
      windows: { id: string; staffOnRoster: string[] }[];
    };
    expect(site.halls.map((h) => h.id)).toEqual(['h1']);
    expect(site.windows.map((w) => w.id).sort()).toEqual(['W01', 'W05']);
    expect(site.windows.find((w) => w.id === 'W01')!.staffOnRoster).toEqual(['张敏']);
    expect(JSON.stringify(site)).not.toContain('rtsp');

    const openApi = (await (await fetch(`${stack.baseUrl}/api/docs-json`)).json()) as {
      paths: Record<string, unknown>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    expect(Object.keys(openApi.paths)).toEqual(expect.arrayContaining(['/api/live/events', '/api/cameras/{id}/snapshot', '/api/site']));
    // What the incident page shows is documented: the leave and the queue event.
    expect(Object.keys(openApi.components.schemas.IncidentDto.properties ?? {})).toEqual(expect.arrayContaining(['leaveId', 'queueEvent']));
    // The console's types come from the document built without a gateway (scripts/api-client.mjs): the one served.
    expect(openApi).toEqual(JSON.parse(JSON.stringify(await previewOpenApiDocument())));

    // The console answers its own routes; the API keeps its JSON 404.
    const deepLink = await fetch(`${stack.baseUrl}/incidents/some-id`);
    expect(deepLink.headers.get('content-type')).toMatch(/text\/html/);
    const html = await deepLink.text();
    expect(html).toContain('<div id="app">');
    const script = await fetch(`${stack.baseUrl}${/src="(\/assets\/[^"]+\.js)"/.exec(html)![1]}`, {
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(script.headers.get('content-encoding')).toBe('gzip');
    expect(await script.text()).toContain('import');
    const missing = await fetch(`${stack.baseUrl}/api/nothing-here`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/json/);
  });

  /**
   * The supervisor's flow on incidents stored as inference stores them (straight into its
   * collection, three days ago, so the date filter keeps them apart from the cameras' own).
   */
  describe('the review queue on seeded incidents', () => {
    /** Three days ago in the site's time zone (UTC+8), and an instant of it. */
    const day = new Date(Date.now() + 8 * 3_600_000 - 3 * 86_400_000).toISOString().slice(0, 10);
    const at = (hhmm: string) => new Date(`${day}T${hhmm}:00+08:00`);
    const closed = (kind: string, hallId: string, windowId: string, from: string, to: string, extra: object = {}) => ({
      _id: `${kind}:${hallId}:${windowId}:${at(from).getTime()}`,
      kind,
      hallId,
      windowId,
      openedAt: at(from),
      closedAt: at(to),
      durationMs: at(to).getTime() - at(from).getTime(),
      ...extra,
    });
    const appealReason = '当事人称在后台为群众复印材料，有值班记录为证';
    const appealed = closed('absence', 'h1', 'W05', '08:00', '08:20', {
      review: 'appealed',
      audit: [
        { by: 'supervisor-li', at: at('09:00'), action: 'confirmed', reason: '核实离岗' },
        { by: 'manager-h1', at: at('09:30'), action: 'appealed', reason: appealReason },
      ],
    });
    const keyed = ['09:00', '10:00', '11:00'].map((t) => closed('absence', 't1', 'T01', t, t.replace(':00', ':10')));
    const outage = (from: string, to: string) => ({
      ...closed('camera-offline', 'h1', 'cam-1', from, to),
      windowId: undefined,
      cameraId: 'cam-1',
      windowIds: ['W01', 'W05'],
      _id: `camera-offline:h1:cam-1:${at(from).getTime()}`,
    });
    // One absence of W05 from 13:00 to 13:25, cut twice by cam-1 going down.
    const split = [
      closed('absence', 'h1', 'W05', '13:00', '13:05'),
      outage('13:05', '13:08'),
      closed('absence', 'h1', 'W05', '13:08', '13:14'),
      outage('13:14', '13:20'),
      closed('absence', 'h1', 'W05', '13:20', '13:25'),
    ];
    const early = Array.from({ length: 21 }, (_, k) => closed('early-leave', 't1', 'T01', `14:${String(k).padStart(2, '0')}`, '15:00'));
    const get = async (id: string) =>
      (await (await api(`/api/incidents/${encodeURIComponent(id)}`, 'supervisor')).json()) as IncidentAnswer & { final: boolean };
    const dates = `from=${day}&to=${day}`;

    beforeAll(async () => {
      const db = await mongoose.createConnection(stack.env.MONGODB_URI).asPromise();
      await db.collection('incidents').insertMany([appealed, ...keyed, ...split, ...early] as never[]);
      await db.close();
    });

    it('a supervisor decides three incidents with the keyboard alone: C on the list, Enter, D, C on the page, common reasons, Ctrl+Enter to the next', async () => {
      const page = await newPage();
      await signIn(page, stack.baseUrl, 'supervisor');
      await page.goto(`${stack.baseUrl}/incidents?kind=absence&window=T01&${dates}`);
      await page.waitForFunction(() => document.querySelectorAll('[data-test=incident-table] .el-table__row').length === 3);
      const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-test') ?? document.activeElement?.tagName);
      const [newest, middle, oldest] = [...keyed].reverse().map((k) => k._id);

      // On the list: C on the selected (first) row, the reason box has the focus, Alt+1 takes the first common reason.
      await page.keyboard.press('c');
      await page.waitForSelector('[data-test=review-dialog] >> text=确认违规');
      await page.waitForFunction(() => document.activeElement?.tagName === 'TEXTAREA');
      await page.keyboard.press('Alt+1');
      expect(await page.inputValue('textarea[data-test=reason]')).toBe('经核实确属离岗');
      await page.keyboard.press('Control+Enter');
      // Saved, and the next undecided row is selected.
      await page.waitForSelector('[data-test=incident-table] .el-table__row.cursor-row:has-text("待复核")');
      await page.waitForFunction(() =>
        document.querySelectorAll('[data-test=incident-table] .el-table__row')[0]?.textContent?.includes('已确认'),
      );
      // Enter opens it; D, a typed reason, Ctrl+Enter: saved, and on to the next undecided incident.
      await page.keyboard.press('Enter');
      await page.waitForURL(new RegExp(`/incidents/${encodeURIComponent(middle)}$`));
      await page.waitForFunction(() => document.activeElement?.getAttribute('data-test') === 'incident-heading');
      await page.waitForSelector('[data-test=incident-status]:has-text("待复核")');
      await page.keyboard.press('d');
      await page.waitForFunction(() => document.activeElement?.tagName === 'TEXTAREA');
      await page.keyboard.type('系统误判：工作人员在座位弯腰取材料');
      await page.keyboard.press('Control+Enter');
      await page.waitForURL(new RegExp(`/incidents/${encodeURIComponent(oldest)}$`));
      await page.waitForSelector('[data-test=incident-status]:has-text("待复核")');
      await page.keyboard.press('c');
      await page.waitForFunction(() => document.activeElement?.tagName === 'TEXTAREA');
      await page.keyboard.press('Alt+2');
      await page.keyboard.press('Control+Enter');
      await page.waitForSelector('text=队列中没有待处理的事件了');
      await page.waitForSelector('[data-test=incident-status]:has-text("已确认")');
      expect(await focused()).not.toBe('TEXTAREA');

      const decided = await Promise.all([newest, middle, oldest].map(get));
      expect(decided.map((d) => [d.status, d.audit.at(-1)?.by, d.audit.at(-1)?.reason])).toEqual([
        ['confirmed', 'supervisor', '经核实确属离岗'],
        ['dismissed', 'supervisor', '系统误判：工作人员在座位弯腰取材料'],
        ['confirmed', 'supervisor', '调取录像核实，工作人员擅自离岗'],
      ]);
    });

    it('an appeal comes first with its reason, on top of its page too; 维持原判 keeps the decision (confirmed, final)', async () => {
      const page = await newPage();
      await signIn(page, stack.baseUrl, 'supervisor');
      await page.goto(`${stack.baseUrl}/incidents?window=W05&${dates}`);
      const first = await page.waitForSelector('[data-test=incident-table] .el-table__row');
      expect(await first.textContent()).toContain('申诉待决');
      expect(await first.textContent()).toContain(appealReason);
      // The cut absence is one row of its three parts; the outages themselves are not in the violation queue.
      const rows = await page.$$eval('[data-test=incident-table] .el-table__row', (els) => els.map((el) => el.textContent ?? ''));
      expect(rows).toHaveLength(2);
      expect(rows[1]).toContain('3 段（中间为摄像头离线）');
      await screenshot(page, 'incident-queue');

      await page.keyboard.press('Enter');
      await page.waitForURL(new RegExp(`/incidents/${encodeURIComponent(appealed._id)}$`));
      expect(await page.textContent('[data-test=appeal-banner]')).toContain(appealReason);
      expect(await page.textContent('[data-test=appeal-banner]')).toContain('supervisor-li');
      expect(await page.textContent('[data-test=uphold]')).toContain('维持原判');
      expect(await page.textContent('[data-test=reverse]')).toContain('撤销');
      expect(await page.$('[data-test=confirm]')).toBeNull();
      await page.waitForSelector('[data-test=incident-status]:has-text("申诉待决")');
      await screenshot(page, 'incident-appeal');
      await page.keyboard.press('c');
      await page.waitForSelector('[data-test=review-dialog] >> text=维持原判（驳回申诉，事件成立）');
      await page.waitForFunction(() => document.activeElement?.tagName === 'TEXTAREA');
      await page.keyboard.press('Alt+1');
      await page.click('[data-test=decide]');
      await page.waitForSelector('[data-test=incident-status]:has-text("已确认")');
      await page.waitForSelector('[data-test=appeal-banner] >> text=维持原判');
      const saved = await get(appealed._id);
      expect(saved).toMatchObject({ status: 'confirmed', final: true });
      expect(saved.audit.at(-1)).toMatchObject({ by: 'supervisor', action: 'confirmed', reason: '申诉理由不成立，维持原判' });
    });

    it('filters survive a reload, the list pages with its total, weeks start on Monday; camera outages have a tab and nothing to decide', async () => {
      const page = await newPage();
      await signIn(page, stack.baseUrl, 'supervisor');
      await page.click('a[href="/incidents"]');
      // The keyboard starts on the page, not on the link.
      await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
      await page.click('.el-range-editor input >> nth=0');
      expect(await page.$$eval('.el-date-table th', (ths) => ths.slice(0, 7).map((th) => th.textContent?.trim()))).toEqual([
        '一',
        '二',
        '三',
        '四',
        '五',
        '六',
        '日',
      ]);
      await page.keyboard.press('Escape');
      await page.goto(`${stack.baseUrl}/incidents?${dates}&size=20`);
      await page.click('[data-test=filter-kind]');
      await page.click('.el-select-dropdown__item:has-text("早退")');
      await page.click('[data-test=search]');
      await page.waitForURL(/kind=early-leave/);
      const listed = async (n: number) => {
        await page.waitForFunction((n) => document.querySelectorAll('[data-test=incident-table] .el-table__row').length === n, n);
        expect(await page.textContent('[data-test=pager]')).toContain('共 21 条');
      };
      await listed(20);
      expect(await page.textContent('[data-test=pager]')).toContain('第 1 / 2 页');
      await page.click('[data-test=next-page]');
      await listed(1);
      expect(await page.textContent('[data-test=pager]')).toContain('第 2 / 2 页');
      await page.reload();
      await listed(20);
      expect(await page.textContent('[data-test=filter-kind]')).toContain('早退');
      expect(await page.inputValue('.el-range-editor input >> nth=0')).toBe(day);

      await page.goto(`${stack.baseUrl}/incidents?tab=camera&${dates}`);
      await page.waitForFunction(() => document.querySelectorAll('[data-test=incident-table] .el-table__row').length === 2);
      expect(await page.textContent('[data-test=incident-table]')).toContain('cam-1（1号窗口、5号窗口）');
      await page.keyboard.press('Enter');
      await page.waitForSelector('[data-test=not-judged]');
      expect(await page.$('[data-test=confirm]')).toBeNull();
      expect(await page.$('[data-test=uphold]')).toBeNull();
    });
  });
});
