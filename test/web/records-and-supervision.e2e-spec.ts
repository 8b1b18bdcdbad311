import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as iconv from 'iconv-lite';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../../bench/chromium';
import { Stack, startStack } from '../support/e2e';
import { screenshot } from './console-harness';

const PASSWORD = 'records-password';
/** A 1×1 PNG, made by hand: the photo a hall manager attaches. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

/**
 * What townships type by hand (issue 23, item 6) and the 督办 page (issue 22, item 6), in Chromium
 * against a real gateway and reporting: a hall manager uploads a GBK case export with one bad row
 * and sees that row's reason (the good rows taken), submits a leave that then waits for approval;
 * a supervisor registers a complaint; an order issued by the supervisor is listed in its state,
 * responded to by the hall manager with a photo, sent back by the supervisor with a reason,
 * responded to again and verified, all from its page, which then shows its whole history and the photo.
 */
describe('data entry and 督办 pages (Chromium)', () => {
  let browser: Browser;
  let stack: Stack;
  let base = '';
  const contexts: BrowserContext[] = [];
  let supervisorToken = '';
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(Date.now() - 86_400_000));

  async function signedIn(username: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${base}/login?next=/records`);
    await page.fill('input[name=username]', username);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}/records`);
    return page;
  }

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
  - { id: T01, hall: t1, name: 综合窗口, department: 城关镇政府, camera: cam-2, zone: [[0, 0], [0.1, 0], [0.1, 0.1]] }
schedules:
  default: { weekdays: [mon, tue, wed, thu, fri, sat, sun], open: ["00:00-24:00"] }
rosters:
  - { window: W01, staff: "张敏 (S001)", weekdays: [mon, tue, wed, thu, fri, sat, sun], from: "00:00", to: "24:00" }
users:
  - { username: admin, role: admin, passwordHash: "${hash}" }
  - { username: manager-h1, role: hall_manager, halls: [h1], passwordHash: "${hash}" }
  - { username: supervisor, role: supervisor, passwordHash: "${hash}" }
`;
    [browser, stack] = await Promise.all([
      launchChromium(),
      startStack({
        name: 'records',
        password: PASSWORD,
        site,
        users: ['supervisor'],
        env: { HALLWATCH_JWT_SECRET: 'e2e-records-secret-of-32-bytes-or-more' },
        startTimeoutMs: 120_000,
      }),
    ]);
    base = stack.base;
    supervisorToken = stack.tokens.supervisor;
  });

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await stack?.stop();
  });

  it('a hall manager uploads a GBK case export with one bad row and sees its reason, the good rows taken', async () => {
    const t = (hm: string) => `${day}T${hm}:00+08:00`;
    const csv = [
      'caseId,windowId,staffId,serviceItem,takenAt,calledAt,startedAt,finishedAt,deadline,status,satisfaction',
      `csv-1,W01,S001,营业执照变更登记,${t('09:00')},${t('09:05')},${t('09:06')},${t('09:20')},${t('17:00')},completed,5`,
      `csv-2,W01,S001,食品经营许可,昨天上午,${t('09:35')},${t('09:36')},${t('09:50')},${t('17:00')},completed,5`,
      `csv-3,W01,S001,个体户注册,${t('10:00')},${t('10:02')},${t('10:03')},${t('10:15')},${t('17:00')},completed,4`,
    ].join('\r\n');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'upload-')), '办件导出.csv');
    fs.writeFileSync(file, iconv.encode(`${csv}\r\n`, 'gbk'));

    const page = await signedIn('manager-h1');
    await page.click('.el-tabs__item:has-text("导入 CSV")');
    // Cases are the first kind offered to a hall manager.
    await page.setInputFiles('[data-test=upload-file]', file);
    await page.click('[data-test=upload-submit]');
    const summary = page.locator('[data-test=upload-summary]');
    await summary.waitFor();
    expect((await summary.textContent())?.trim()).toBe('办件导出.csv（GBK）：受理 2 行，未受理 1 行');
    const rows = page.locator('[data-test=upload-result] .el-table__body tr');
    await expect(rows.count()).resolves.toBe(3);
    // The refused row first, with its line (the header is line 1) and the reason naming the field.
    const first = (await rows.nth(0).locator('td').allTextContents()).map((s) => s.trim());
    expect(first.slice(0, 3)).toEqual(['3', 'csv-2', '未受理']);
    expect(first[3]).toMatch(/takenAt/);
    expect((await rows.nth(1).locator('td').allTextContents()).map((s) => s.trim()).slice(0, 3)).toEqual(['2', 'csv-1', '已受理']);
    expect((await rows.nth(2).locator('td').allTextContents()).map((s) => s.trim()).slice(0, 3)).toEqual(['4', 'csv-3', '已受理']);
    await screenshot(page, 'records-upload-result');
  });

  it('a hall manager submits a leave, which then waits for approval', async () => {
    const page = await signedIn('manager-h1');
    const form = page.locator('[data-test=leave-form]');
    const id = await form.locator('input[name=id]').inputValue();
    await form.locator('input[name=staffId]').fill('S001');
    await form.locator('input[name=from]').fill(`${day}T14:00`);
    await form.locator('input[name=to]').fill(`${day}T16:00`);
    await form.locator('textarea[name=reason]').fill('到区人社局参加业务培训');
    await page.click('[data-test=leave-submit]');
    const outcome = page.locator('[data-test=leave-outcome]');
    await outcome.waitFor();
    expect((await outcome.textContent())?.trim()).toBe(`请假单 ${id}：待审批`);
    await screenshot(page, 'records-leave-pending');

    // As the API keeps it: pending, submitted by the hall manager, for the hours typed in the site's time zone.
    const stored = (await (await stack.call('GET', `/api/leaves/${id}`, supervisorToken)).json()) as Record<string, unknown>;
    expect(stored).toMatchObject({ status: 'pending', submittedBy: 'manager-h1', staffId: 'S001', kind: 'leave' });
    expect(Date.parse(String(stored.from))).toBe(Date.parse(`${day}T14:00:00+08:00`));
  });

  it('a supervisor registers a complaint', async () => {
    const page = await signedIn('supervisor');
    await page.click('.el-tabs__item:has-text("投诉登记")');
    const form = page.locator('[data-test=complaint-form]');
    const id = await form.locator('input[name=id]').inputValue();
    await form.locator('input[name=receivedAt]').fill(`${day}T11:30`);
    await form.locator('input[name=category]').fill('服务态度');
    await form.locator('textarea[name=outcome]').fill('已约谈窗口人员');
    await page.click('[data-test=complaint-submit]');
    const outcome = page.locator('[data-test=complaint-outcome]');
    await outcome.waitFor();
    expect((await outcome.textContent())?.trim()).toBe(`投诉 ${id} 已登记`);

    const stored = (await (await stack.call('GET', `/api/complaints/${id}`, supervisorToken)).json()) as Record<string, unknown>;
    expect(stored).toMatchObject({ id, channel: 'hotline', category: '服务态度', verified: 'pending', outcome: '已约谈窗口人员' });
  });

  it('the 督办 page lists an order in its state; its page walks the whole cycle and shows each step and the photo', async () => {
    const complaint = {
      id: 'order-source',
      receivedAt: `${day}T10:00:00+08:00`,
      channel: 'card',
      windowId: 'W01',
      category: '推诿',
      verified: true,
    };
    const filed = (await (await stack.call('POST', '/api/complaints', supervisorToken, { complaints: [complaint] })).json()) as {
      accepted: number;
    };
    expect(filed.accepted).toBe(1);
    const issued = await stack.call('POST', '/api/rectifications', supervisorToken, {
      source: { kind: 'complaint', id: complaint.id },
      to: { window: 'W01' },
      dueWorkingDays: 5,
      instructions: '核查推诿情况并整改',
    });
    expect(issued.status).toBe(200);
    const orderId = ((await issued.json()) as { id: string }).id;

    const manager = await signedIn('manager-h1');
    await manager.goto(`${base}/supervision`);
    const row = manager.locator('[data-test=order-table] .el-table__body tr', { has: manager.locator(`[data-order="${orderId}"]`) });
    await row.waitFor();
    expect((await row.locator('[data-state]').textContent())?.trim()).toBe('待整改');
    await screenshot(manager, 'supervision-orders');
    await manager.click(`[data-order="${orderId}"]`);
    await manager.waitForURL(`${base}/supervision/orders/${orderId}`);
    await manager.locator('[data-test=order-respond] textarea[name=text]').fill('已对窗口人员批评教育，并公示办事指南');
    await manager.setInputFiles('[data-test=order-respond] input[name=photo]', { name: '整改.png', mimeType: 'image/png', buffer: PNG });
    await manager.click('[data-test=respond-submit]');
    await manager.locator('[data-test=order-state][data-state=responded]').waitFor();

    const supervisor = await signedIn('supervisor');
    await supervisor.goto(`${base}/supervision/orders/${orderId}`);
    await supervisor.locator('[data-test=order-verify] textarea[name=reason]').fill('未附公示照片以外的整改记录');
    await supervisor.click('[data-test=verify-return]');
    await supervisor.locator('[data-test=order-state][data-state=returned]').waitFor();

    await manager.reload();
    await manager.locator('[data-test=order-respond] textarea[name=text]').fill('补充约谈记录');
    await manager.click('[data-test=respond-submit]');
    await manager.locator('[data-test=order-state][data-state=responded]').waitFor();

    await supervisor.reload();
    await supervisor.locator('[data-test=order-verify] textarea[name=reason]').fill('回访群众，情况属实，整改到位');
    await supervisor.click('[data-test=verify-accept]');
    await supervisor.locator('[data-test=order-state][data-state=verified]').waitFor();
    const history = supervisor.locator('[data-test=order-history] .el-table__body tr');
    const steps = await history.evaluateAll((trs) =>
      trs.map((tr) => [tr.querySelector('[data-action]')?.getAttribute('data-action'), tr.querySelectorAll('td')[2]?.textContent?.trim()]),
    );
    expect(steps).toEqual([
      ['issued', 'supervisor'],
      ['responded', 'manager-h1'],
      ['returned', 'supervisor'],
      ['responded', 'manager-h1'],
      ['verified', 'supervisor'],
    ]);
    const texts = await history.evaluateAll((trs) => trs.map((tr) => tr.querySelectorAll('td')[4]?.textContent?.trim()));
    expect(texts).toEqual([
      '核查推诿情况并整改',
      expect.stringContaining('已对窗口人员批评教育，并公示办事指南'),
      '未附公示照片以外的整改记录',
      '补充约谈记录',
      '回访群众，情况属实，整改到位',
    ]);
    // The photo is on the first response only, shown when asked for, the bytes as attached.
    const photo = supervisor.locator('[data-test=order-photo]');
    expect(await photo.count()).toBe(1);
    expect(await photo.getAttribute('data-sha256')).toBe(createHash('sha256').update(PNG).digest('hex'));
    await photo.locator('button').click();
    const image = photo.locator('img');
    await image.waitFor();
    expect(await image.evaluate((img: HTMLImageElement) => img.decode().then(() => [img.naturalWidth, img.naturalHeight]))).toEqual([1, 1]);
    await screenshot(supervisor, 'supervision-order');

    // The list by state: verified, not issued any more.
    await supervisor.goto(`${base}/supervision`);
    const listed = supervisor.locator(`[data-test=order-table] tr:has([data-order="${orderId}"]) [data-state]`);
    await listed.waitFor();
    expect(await listed.getAttribute('data-state')).toBe('verified');
  });
});
