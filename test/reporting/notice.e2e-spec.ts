import * as fs from 'node:fs';
import * as path from 'node:path';
import JSZip from 'jszip';
import { encodeMessage, incidentSubject, PresenceMessage, Subjects } from '@hallwatch/contracts';
import { noticeHtml, type MonthlyNotice } from '@hallwatch/stats';
import { launchChromium } from '../../bench/chromium';
import { eventually, login, runCli, Stack, startStack } from '../support/e2e';

const PASSWORD = 'notice-test-pw';
/** Mondays, Asia/Shanghai: one judged day in March 2024 (the notice's month) and one in February. */
const MARCH = '2024-03-04';
const FEBRUARY = '2024-02-05';
const at = (day: string, hhmm: string) => `${day}T${hhmm}:00+08:00`;

/** The text of a .docx: the runs of word/document.xml, joined by "|". */
async function docxText(body: Buffer): Promise<string> {
  const zip = await JSZip.loadAsync(body);
  const xml = await zip.file('word/document.xml')!.async('string');
  return [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('|');
}

/** Page objects of a PDF (not the /Pages tree). */
const pdfPages = (pdf: Buffer) => pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g)?.length ?? 0;

/**
 * The monthly notice of a hand-made month through the gateway and the CLI. No cases or ratings, so
 * the attendance rate is the only measured component: base = 100 × rate (default weights), less 2
 * per confirmed absence incident and 3 per red card. The month's other workdays are unknown and
 * count for nothing.
 *
 * March: W1 (税务) staffed 400 of 420 min (absent 10:00-10:20), its absence confirmed:
 * 100 × 0.9524 − 2 = 93.24. W2 (税务) staffed 420 of 420: 100. W3 (公安) staffed 300 of 420
 * (absent 15:00-17:00) and one red card: 100 × 0.7143 − 3 = 68.43. 税务: 820 / 840 = 0.9762,
 * 97.62 − 2 = 95.62; 公安 68.43.
 * February: W1 and W2 staffed all day (税务 100), W3 360 of 420 (absent 16:00-17:00): 公安 85.71,
 * last again, so 公安 is at the bottom two months running.
 */
describe('the monthly notice (月度通报)', () => {
  let stack: Stack;
  let evaluator: string;

  beforeAll(async () => {
    stack = await startStack({
      name: 'notice',
      password: PASSWORD,
      users: ['evaluator'],
      site: (hash) => `
timezone: Asia/Shanghai
halls:
  - { id: H1, name: 某区行政审批服务大厅, kind: hall }
cameras:
  - { id: cam1, hall: H1, rtsp: "rtsp://127.0.0.1:9/none" }
windows:
  - { id: W1, hall: H1, name: 1号窗口, department: 税务, camera: cam1, zone: [[0,0],[1,0],[1,1]] }
  - { id: W2, hall: H1, name: 2号窗口, department: 税务, camera: cam1, zone: [[0,0],[1,0],[1,1]] }
  - { id: W3, hall: H1, name: 3号窗口, department: 公安, camera: cam1, zone: [[0,0],[1,0],[1,1]] }
schedules:
  default: { weekdays: [mon, tue, wed, thu, fri], open: ["09:00-12:00", "13:00-17:00"] }
users:
  - { username: admin, passwordHash: "${hash}", role: admin }
  - { username: evaluator, passwordHash: "${hash}", role: evaluator }
  - { username: manager, passwordHash: "${hash}", role: hall_manager, halls: [H1] }
`,
    });
    evaluator = stack.tokens.evaluator;
  });

  afterAll(() => stack?.stop());

  const get = (token: string, p: string) => stack.call('GET', p, token);

  it('holds the ranking and counts of a hand-made month, in Word and as JSON', async () => {
    const js = stack.nc.jetstream();
    const day = (d: string, windowId: string, changes: [PresenceMessage['state'], string][]) =>
      changes.map(([state, hhmm]) => ({ windowId, hallId: 'H1', state, since: at(d, hhmm), at: at(d, hhmm) }));
    const fullDay: [PresenceMessage['state'], string][] = [
      ['staffed', '09:00'],
      ['closed', '12:00'],
      ['staffed', '13:00'],
      ['closed', '17:00'],
    ];
    const presence = [
      ...day(MARCH, 'W1', [
        ['staffed', '09:00'],
        ['absent', '10:00'],
        ['staffed', '10:20'],
        ['closed', '12:00'],
        ['staffed', '13:00'],
        ['closed', '17:00'],
      ]),
      ...day(MARCH, 'W2', fullDay),
      ...day(MARCH, 'W3', [
        ['staffed', '09:00'],
        ['closed', '12:00'],
        ['staffed', '13:00'],
        ['absent', '15:00'],
        ['closed', '17:00'],
      ]),
      ...day(FEBRUARY, 'W1', fullDay),
      ...day(FEBRUARY, 'W2', fullDay),
      ...day(FEBRUARY, 'W3', [
        ['staffed', '09:00'],
        ['closed', '12:00'],
        ['staffed', '13:00'],
        ['absent', '16:00'],
        ['closed', '17:00'],
      ]),
    ];
    for (const p of presence) await js.publish(Subjects.presence(p.windowId), encodeMessage(p));

    // As inference publishes them: W1's absence and W3's early leave confirmed, W2's absence dismissed.
    const incident = (id: string, kind: 'absence' | 'early-leave', windowId: string, opened: string, closed: string) => ({
      id,
      kind,
      hallId: 'H1',
      windowId,
      openedAt: at(MARCH, opened),
      closedAt: at(MARCH, closed),
    });
    const confirmed = [incident('I1', 'absence', 'W1', '10:00', '10:20'), incident('I2', 'early-leave', 'W3', '15:00', '17:00')];
    const dismissed = incident('I3', 'absence', 'W2', '09:30', '09:45');
    for (const i of [...confirmed, dismissed]) await js.publish(incidentSubject('closed', i), encodeMessage(i));
    for (const review of [
      ...confirmed.map((i) => ({ ...i, review: 'confirmed' as const, reviewedAt: at(MARCH, '18:00') })),
      { ...dismissed, review: 'dismissed' as const, reviewedAt: at(MARCH, '18:00') },
    ])
      await js.publish(incidentSubject('reviewed', review), encodeMessage(review));

    // A case still accepted past its deadline (March 4th, 16:00): a red card at once.
    const admin = await login(stack.base, 'admin', PASSWORD);
    const cases = await stack.call('POST', '/api/cases', admin, {
      cases: [
        {
          caseId: 'late-1',
          windowId: 'W3',
          staffId: 'S3',
          serviceItem: '户籍迁移',
          takenAt: at(MARCH, '09:30'),
          deadline: at(MARCH, '16:00'),
          status: 'accepted',
          at: at(MARCH, '09:30'),
        },
      ],
    });
    expect(await cases.json()).toMatchObject({ accepted: 1, rejected: 0 });

    type Notice = {
      title: string;
      issuer: string;
      windowRanking: { rank: number; key: string; score: number }[];
      departmentRanking: { rank: number; key: string; score: number }[];
      incidentsByUnit: { department: string; byKind: Record<string, number>; total: number }[];
      confirmedIncidents: number;
      redCards: { caseId: string }[];
      bottomTwoMonths: { department: string; score: number; previousScore: number }[];
    };
    // Reporting consumes the events in its own time: wait until both months' presence, the card and both reviews are in.
    const staffed = async (from: string, to: string) => {
      const res = await get(evaluator, `/api/stats/evaluation?from=${from}&to=${to}&groupBy=window`);
      return ((await res.json()) as { window: string; staffedHours: number }[]).map((r) => [r.window, r.staffedHours]);
    };
    const notice = await eventually(async () => {
      const february = await staffed('2024-02-01', '2024-02-29');
      const march = await staffed('2024-03-01', '2024-03-31');
      const complete =
        JSON.stringify(february) ===
          JSON.stringify([
            ['W1', 7],
            ['W2', 7],
            ['W3', 6],
          ]) &&
        JSON.stringify(march) ===
          JSON.stringify([
            ['W1', 6.667],
            ['W2', 7],
            ['W3', 5],
          ]);
      if (!complete) return undefined;
      const n = (await (await get(evaluator, '/api/reports/notice?month=2024-03&format=json')).json()) as Notice;
      return n.confirmedIncidents === 2 && n.redCards.length === 1 ? n : undefined;
    }, 60_000);
    expect(notice.title).toBe('某区行政审批服务大厅2024年3月效能监察通报');
    expect(notice.issuer).toBe('evaluator');
    expect(notice.windowRanking.map((r) => [r.rank, r.key, r.score])).toEqual([
      [1, 'W2', 100],
      [2, 'W1', 93.24],
      [3, 'W3', 68.43],
    ]);
    expect(notice.departmentRanking.map((r) => [r.rank, r.key, r.score])).toEqual([
      [1, '税务', 95.62],
      [2, '公安', 68.43],
    ]);
    expect(notice.incidentsByUnit).toEqual([
      { department: '公安', byKind: { 'early-leave': 1 }, total: 1 },
      { department: '税务', byKind: { absence: 1 }, total: 1 },
    ]);
    expect(notice.redCards.map((c) => c.caseId)).toEqual(['late-1']);
    expect(notice.bottomTwoMonths).toEqual([{ department: '公安', score: 68.43, previousScore: 85.71 }]);

    const res = await get(evaluator, '/api/reports/notice?month=2024-03&format=docx');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="notice-2024-03.docx"; filename*=UTF-8''${encodeURIComponent('某区行政审批服务大厅2024年3月效能监察通报.docx')}`,
    );
    const text = await docxText(Buffer.from(await res.arrayBuffer()));
    for (const line of [
      '某区行政审批服务大厅2024年3月效能监察通报',
      '通报期间：2024-03-01 至 2024-03-31',
      '发布人：evaluator',
      '一、窗口效能排名',
      '本月经复核确认违规事件共2起。',
      '本月超期未办结红牌共1张。',
      '逾期督办单0件，退回督办单0件。',
      '公安连续两个月效能得分排名末位，请限期整改。',
    ])
      expect(text).toContain(line);
    // Ranking rows: place, window, department, score; then the departments; then 公安's two scores.
    expect(text).toMatch(/\|1\|2号窗口\|税务\|100\.00\|.*\|2\|1号窗口\|税务\|93\.24\|.*\|3\|3号窗口\|公安\|68\.43\|/);
    expect(text).toMatch(/二、部门排名.*\|1\|税务\|95\.62\|.*\|2\|公安\|68\.43\|/);
    expect(text).toContain('|公安|68.43|85.71');
  });

  it('prints the notice as a PDF with pages', async () => {
    const res = await get(evaluator, '/api/reports/notice?month=2024-03&format=pdf');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await res.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdfPages(pdf)).toBeGreaterThanOrEqual(1);

    // The first page as printed, for the docs: the same HTML in Chromium, A4 landscape at 96 dpi
    // (297 × 210 mm) with the print margins (15 mm).
    const notice = (await (await get(evaluator, '/api/reports/notice?month=2024-03&format=json')).json()) as MonthlyNotice;
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1123, height: 794 } });
      await page.setContent(noticeHtml(notice));
      await page.addStyleTag({ content: 'html { background: white; } body { margin: 15mm; }' });
      await page.screenshot({ path: path.join(__dirname, '..', '..', 'docs', 'screenshots', 'notice-first-page.png') });
    } finally {
      await browser.close();
    }
  });

  it('refuses hall managers and names a bad month or format', async () => {
    const manager = await login(stack.base, 'manager', PASSWORD);
    expect((await get(manager, '/api/reports/notice?month=2024-03&format=docx')).status).toBe(403);
    const bad = await get(evaluator, '/api/reports/notice?month=2024-13&format=xlsx');
    expect(bad.status).toBe(400);
    const message = JSON.stringify(await bad.json());
    expect(message).toContain('month must be a month written YYYY-MM');
    expect(message).toContain('format must be one of');
  });

  it('is written by the CLI, issued by it', async () => {
    const out = path.join(path.dirname(stack.env.HALLWATCH_SITE), 'notice.docx');
    const run = await runCli(['report', 'notice', '--month', '2024-03', '--format', 'docx', '--out', out], stack.env);
    expect({ status: run.status, stderr: run.stderr }).toMatchObject({ status: 0 });
    const text = await docxText(fs.readFileSync(out));
    expect(text).toContain('某区行政审批服务大厅2024年3月效能监察通报');
    expect(text).toContain('发布人：cli');
    expect(text).toMatch(/\|1\|2号窗口\|税务\|100\.00\|.*\|2\|1号窗口\|税务\|93\.24\|.*\|3\|3号窗口\|公安\|68\.43\|/);
    const bad = await runCli(['report', 'notice', '--month', '2024-3', '--format', 'docx'], stack.env);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('--month 2024-3: must be a month written YYYY-MM');
  });
});
