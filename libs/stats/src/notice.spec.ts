import JSZip from 'jszip';
import { monthlyNotice, NoticeInput, RectificationOrder } from './notice';
import { noticeDocx, noticeHtml, noticeSections } from './notice-document';

/** An evaluation row as reporting gives it, with only what the notice reads. */
const row = (key: 'window' | 'department', id: string, score: number | null, more: Record<string, number> = {}) => ({
  [key]: id,
  score,
  baseScore: score === null ? null : score + (more.deductions ?? 0),
  deductions: more.deductions ?? 0,
  attendanceRate: 0.9,
  onTimeRate: 1,
  meanSatisfaction: 4.5,
  casesHandled: 10,
  absenceIncidentsConfirmed: more.absence ?? 0,
  verifiedComplaints: 0,
  redCards: more.red ?? 0,
});

const order = (id: string, state: RectificationOrder['state']): RectificationOrder => ({
  id,
  state,
  tier: '一级',
  to: '税务',
  dueAt: '2024-02-20T17:00:00+08:00',
});

/**
 * February 2024 (29 days) of a hand-made site: windows W1, W2 (税务), W3 (公安), W4 (人社, no score:
 * nothing judged). Scores W1 80, W2 90, W3 80: W2 first, W1 and W3 tied second, W4 unranked.
 * Departments 税务 85, 公安 80, 人社 70; in January 税务 60, 公安 75, 人社 60 (税务 and 人社 tied last):
 * 人社 is last in both months, 税务 only in January.
 */
const input: NoticeInput = {
  month: '2024-02',
  office: '某区行政审批服务大厅',
  issuer: 'supervisor1',
  generatedAt: Date.parse('2024-03-01T09:30:00+08:00'),
  timeZone: 'Asia/Shanghai',
  windows: [
    row('window', 'W1', 80, { absence: 2, deductions: 4 }),
    row('window', 'W2', 90),
    row('window', 'W3', 80),
    row('window', 'W4', null),
  ],
  departments: [row('department', '人社', 70), row('department', '公安', 80), row('department', '税务', 85, { absence: 2, deductions: 4 })],
  previousDepartments: [row('department', '人社', 60), row('department', '公安', 75), row('department', '税务', 60)],
  windowNames: { W1: '1号窗口', W2: '2号窗口', W3: '3号窗口', W4: '4号窗口' },
  windowDepartments: { W1: '税务', W2: '税务', W3: '公安', W4: '人社' },
  // 税务: 2 absences (W1) + 1 late opening (W2) = 3; 公安: 1 early leave; a hall-wide staffing gap: no unit.
  confirmedIncidents: [
    { kind: 'absence', windowId: 'W1' },
    { kind: 'late-opening', windowId: 'W2' },
    { kind: 'absence', windowId: 'W1' },
    { kind: 'early-leave', windowId: 'W3' },
    { kind: 'staffing-gap' },
  ],
  redCards: [
    { caseId: 'c2', windowId: 'W3', department: '公安', serviceItem: '户籍迁移', at: '2024-02-10T17:00:00+08:00' },
    { caseId: 'c1', windowId: 'W1', department: '税务', serviceItem: '发票领用', at: '2024-02-05T17:00:00+08:00' },
  ],
  rectificationOrders: [
    order('R1', 'overdue'),
    order('R2', 'issued'),
    order('R3', 'returned'),
    order('R4', 'verified'),
    order('R5', 'overdue'),
  ],
};

describe('the monthly notice of a hand-made month', () => {
  const n = monthlyNotice(input);

  it('is titled, dated and signed as such notices are', () => {
    expect(n.title).toBe('某区行政审批服务大厅2024年2月效能监察通报');
    expect([n.from, n.to]).toEqual(['2024-02-01', '2024-02-29']);
    expect(n.generatedAt).toBe('2024-03-01 09:30（Asia/Shanghai）');
    expect(n.issuer).toBe('supervisor1');
  });

  it('ranks windows and departments by score, ties sharing a place, the unscored last', () => {
    expect(n.windowRanking.map((r) => [r.rank, r.key, r.name, r.department, r.score])).toEqual([
      [1, 'W2', '2号窗口', '税务', 90],
      [2, 'W1', '1号窗口', '税务', 80],
      [2, 'W3', '3号窗口', '公安', 80],
      [null, 'W4', '4号窗口', '人社', null],
    ]);
    expect(n.windowRanking[1]).toMatchObject({ baseScore: 84, deductions: 4, absenceIncidentsConfirmed: 2 });
    expect(n.departmentRanking.map((r) => [r.rank, r.key, r.score])).toEqual([
      [1, '税务', 85],
      [2, '公安', 80],
      [3, '人社', 70],
    ]);
  });

  it('counts confirmed incidents by the department of their window', () => {
    expect(n.confirmedIncidents).toBe(5);
    expect(n.incidentsByUnit).toEqual([
      { department: '税务', byKind: { absence: 2, 'late-opening': 1 }, total: 3 },
      { department: '公安', byKind: { 'early-leave': 1 }, total: 1 },
      { department: '未指定', byKind: { 'staffing-gap': 1 }, total: 1 },
    ]);
  });

  it('lists red cards by time, the overdue and returned orders, and the department last two months running', () => {
    expect(n.redCards.map((c) => c.caseId)).toEqual(['c1', 'c2']);
    expect(n.overdueOrders.map((o) => o.id)).toEqual(['R1', 'R5']);
    expect(n.returnedOrders.map((o) => o.id)).toEqual(['R3']);
    expect(n.bottomTwoMonths).toEqual([{ department: '人社', score: 70, previousScore: 60 }]);
  });

  it('has no department at the bottom two months running without a previous month', () => {
    expect(monthlyNotice({ ...input, previousDepartments: [] }).bottomTwoMonths).toEqual([]);
  });

  it('has the six numbered sections, each saying when it has nothing to list', () => {
    expect(noticeSections(n).map((s) => s.heading)).toEqual([
      '一、窗口效能排名',
      '二、部门排名',
      '三、确认违规事件',
      '四、红牌',
      '五、逾期及退回督办单',
      '六、连续两月排名末位单位',
    ]);
    const empty = noticeSections(monthlyNotice({ ...input, confirmedIncidents: [], redCards: [], rectificationOrders: [] }));
    expect(empty.slice(2, 5).map((s) => [s.text, s.table])).toEqual([
      ['本月无经复核确认的违规事件。', undefined],
      ['本月无红牌。', undefined],
      ['逾期督办单0件，退回督办单0件。', undefined],
    ]);
    const incidents = noticeSections(n)[2].table!;
    expect(incidents.header).toEqual(['单位', '离岗事件', '迟到事件', '早退事件', '缺员事件', '合计']);
    expect(incidents.rows[0]).toEqual(['税务', '2', '1', '0', '0', '3']);
  });

  it('writes a Word document whose text holds the title, the headings and the ranking', async () => {
    const zip = await JSZip.loadAsync(await noticeDocx(n));
    const xml = await zip.file('word/document.xml')!.async('string');
    const text = [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('|');
    expect(text).toContain('某区行政审批服务大厅2024年2月效能监察通报');
    expect(text).toContain('发布人：supervisor1');
    expect(text).toContain('六、连续两月排名末位单位');
    // The window ranking's rows in order: place, window, department, score.
    expect(text).toMatch(/1\|2号窗口\|税务\|90\.00\|.*2\|1号窗口\|税务\|80\.00\|.*2\|3号窗口\|公安\|80\.00\|.*—\|4号窗口\|人社\|—/);
  });

  it('writes a printable page with its text escaped', () => {
    const html = noticeHtml(monthlyNotice({ ...input, issuer: '<b>x</b>' }));
    expect(html).toContain('发布人：&#60;b&#62;x&#60;/b&#62;');
    expect(html).not.toContain('<b>x</b>');
    expect(html).toContain('<h2>四、红牌</h2><p>本月超期未办结红牌共2张。</p>');
  });
});
