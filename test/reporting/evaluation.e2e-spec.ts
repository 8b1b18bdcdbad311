import * as fs from 'node:fs';
import * as path from 'node:path';
import ExcelJS from 'exceljs';
import { encodeMessage, incidentSubject, PresenceMessage, Subjects } from '@hallwatch/contracts';
import { eventually, runCli, Stack, startStack } from '../support/e2e';

const PASSWORD = 'evaluation-test-pw';
const DAY = '2024-03-04'; // a Monday; Asia/Shanghai. March 2024 has 21 workdays: 147 scheduled hours per window.
const t = (hhmm: string) => `${DAY}T${hhmm}:00+08:00`;
const MONTH = 'from=2024-03-01&to=2024-03-31';

/** A case at `windowId` taken at `taken`, handled 10 minutes from `taken` + 5, due by `deadline`. */
function kase(caseId: string, windowId: string, staffId: string, taken: string, deadline: string, satisfaction?: number) {
  const [h, m] = taken.split(':').map(Number);
  const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  return {
    caseId,
    windowId,
    staffId,
    serviceItem: '营业执照',
    takenAt: t(taken),
    calledAt: t(hhmm(h * 60 + m + 5)),
    startedAt: t(hhmm(h * 60 + m + 5)),
    finishedAt: t(hhmm(h * 60 + m + 15)),
    deadline: t(deadline),
    status: 'completed',
    ...(satisfaction === undefined ? {} : { satisfaction }),
  };
}

function complaint(id: string, windowId: string | undefined, staffId: string | undefined, verified: boolean | 'pending') {
  return { id, receivedAt: t('10:30'), channel: 'hotline', windowId, staffId, category: '服务态度', verified };
}

/**
 * The evaluation table for a small hand-made month, through the API and the CLI. One judged day
 * (2024-03-04) per window; the other 20 workdays nobody reported, so they are unknown and count
 * for nothing. Default weights: attendance 40, on time 20, satisfaction 20, throughput 20
 * (target 4 cases per staffed hour); 2 points off per confirmed absence incident, 5 per verified complaint.
 */
describe('the annual evaluation table: complaints, ratings, incidents and the score', () => {
  let stack: Stack;
  let admin: string;
  let manager: string;

  beforeAll(async () => {
    stack = await startStack({
      name: 'evaluation',
      password: PASSWORD,
      users: ['admin', 'manager'],
      site: (hash) => `
timezone: Asia/Shanghai
halls:
  - { id: H1, name: City hall, kind: hall }
  - { id: H2, name: North hall, kind: hall }
cameras:
  - { id: cam1, hall: H1, rtsp: "rtsp://127.0.0.1:9/none" }
  - { id: cam2, hall: H2, rtsp: "rtsp://127.0.0.1:9/none" }
windows:
  - { id: W1, hall: H1, name: Tax 1, department: tax, camera: cam1, zone: [[0,0],[1,0],[1,1]] }
  - { id: W2, hall: H1, name: Tax 2, department: tax, camera: cam1, zone: [[0,0],[1,0],[1,1]] }
  - { id: W3, hall: H2, name: Police 1, department: police, camera: cam2, zone: [[0,0],[1,0],[1,1]] }
schedules:
  default: { weekdays: [mon, tue, wed, thu, fri], open: ["09:00-12:00", "13:00-17:00"] }
users:
  - { username: admin, passwordHash: "${hash}", role: admin }
  - { username: evaluator, passwordHash: "${hash}", role: evaluator }
  - { username: manager, passwordHash: "${hash}", role: hall_manager, halls: [H1] }
`,
    });
    ({ admin, manager } = stack.tokens);
  });

  afterAll(() => stack?.stop());

  const get = (token: string, p: string) => stack.call('GET', p, token);
  const rows = (token: string, p: string) => stack.get<Record<string, unknown>[]>(p, token);
  const post = (token: string, p: string, body: unknown) =>
    stack.answer<{ accepted: number; rejected: number; results: Record<string, unknown>[] }>('POST', p, token, body);
  const cli = (...args: string[]) => runCli(args, stack.env);

  it('takes complaints per row: hall managers only for windows of their halls, one without a window only from an admin', async () => {
    const mine = await post(manager, '/api/complaints', {
      complaints: [
        complaint('K3', 'W2', 'S2', 'pending'),
        complaint('K6', 'W3', 'S3', true), // W3 is in H2
        complaint('K7', undefined, undefined, true),
        { ...complaint('K8', 'W1', 'S1', true), channel: 'fax' },
      ],
    });
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ accepted: 1, rejected: 3 });
    expect(mine.body.results).toEqual([
      { row: 0, id: 'K3', accepted: true },
      { row: 1, id: 'K6', accepted: false, reason: 'window "W3" is outside your halls' },
      { row: 2, id: 'K7', accepted: false, reason: 'windowId: a complaint without a window may be filed by an admin only' },
      { row: 3, id: 'K8', accepted: false, reason: expect.stringMatching(/^channel must be one of/) },
    ]);
    const all = await post(admin, '/api/complaints', {
      complaints: [complaint('K1', 'W1', 'S1', true), complaint('K5', undefined, undefined, true), complaint('K9', 'W9', 'S1', true)],
    });
    expect(all.body.results.map((r) => [r.id, r.accepted, r.reason])).toEqual([
      ['K1', true, undefined],
      ['K5', true, undefined],
      ['K9', false, 'windowId: no window "W9" in the site file'],
    ]);
  });

  it('imports complaints from a CSV through the CLI, reporting the bad rows; re-importing changes nothing', async () => {
    const file = path.join(path.dirname(stack.env.HALLWATCH_SITE), 'complaints.csv');
    fs.writeFileSync(
      file,
      [
        'id,receivedAt,channel,windowId,staffId,caseId,category,verified,outcome',
        `K2,${t('11:00')},card,W2,S2,,等候时间长,false,经核实不属实`,
        `K4,${t('11:00')},inspection,W3,S3,c30,离岗,true,`,
        `K10,${t('11:00')},online,W3,S3,,离岗,maybe,`,
        `K4,${t('12:00')},online,W3,S3,,离岗,true,`,
      ].join('\n'),
    );
    for (let i = 0; i < 2; i++) {
      const run = await cli('import', 'complaints', file);
      expect(run.stderr).toContain('4/4 rows');
      expect(run.stdout).toContain('rejected line 4 (K10): verified must be true, false or "pending"');
      expect(run.stdout).toContain('rejected line 5 (K4): id "K4" is also on line 3');
      expect(run.stdout).toContain('2 accepted, 2 rejected');
      expect(run.status).toBe(0);
    }
  });

  it('computes the table of a hand-made month, by window, staff and hall, through the API and the CLI', async () => {
    // K4 (imported above for W3, hall H2) cannot be moved into H1 by H1's manager: it stays as it is.
    const moved = await post(manager, '/api/complaints', { complaints: [complaint('K4', 'W2', 'S2', false)] });
    expect(moved.body.results).toEqual([
      { row: 0, id: 'K4', accepted: false, reason: 'complaint "K4" is stored for another hall, outside your halls' },
    ]);

    const js = stack.nc.jetstream();
    const presence: [string, string, PresenceMessage['state'], string][] = [
      // W1: staffed 60 + 100 + 240 = 400 of 420 min; absent 10:00-10:20 (an absence: 20 min ≥ 10).
      ['W1', 'H1', 'staffed', '09:00'],
      ['W1', 'H1', 'absent', '10:00'],
      ['W1', 'H1', 'staffed', '10:20'],
      ['W1', 'H1', 'closed', '12:00'],
      ['W1', 'H1', 'staffed', '13:00'],
      ['W1', 'H1', 'closed', '17:00'],
      // W2: staffed 180 + 120 = 300 of 420 min; absent 15:00-17:00.
      ['W2', 'H1', 'staffed', '09:00'],
      ['W2', 'H1', 'closed', '12:00'],
      ['W2', 'H1', 'staffed', '13:00'],
      ['W2', 'H1', 'absent', '15:00'],
      ['W2', 'H1', 'closed', '17:00'],
      // W3: staffed all 420 min.
      ['W3', 'H2', 'staffed', '09:00'],
      ['W3', 'H2', 'closed', '12:00'],
      ['W3', 'H2', 'staffed', '13:00'],
      ['W3', 'H2', 'closed', '17:00'],
    ];
    for (const [windowId, hallId, state, at] of presence)
      await js.publish(Subjects.presence(windowId), encodeMessage({ windowId, hallId, state, since: t(at), at: t(at) }));

    // Incidents as inference publishes them: W1's absence confirmed (roster names staff "张三 (S1)");
    // W2's one closed and unreviewed, another dismissed: neither counts against S2.
    const incident = (id: string, windowId: string, staff: string, opened: string, closed: string) => ({
      id,
      kind: 'absence' as const,
      hallId: 'H1',
      windowId,
      staff,
      openedAt: t(opened),
      closedAt: t(closed),
    });
    const i1 = incident('I1', 'W1', '张三 (S1)', '10:00', '10:20');
    const i2 = incident('I2', 'W2', 'S2', '15:00', '17:00');
    const i3 = incident('I3', 'W2', 'S2', '09:30', '09:45');
    for (const i of [i1, i2, i3]) await js.publish(incidentSubject('closed', i), encodeMessage(i));
    for (const review of [
      { ...i1, review: 'confirmed' as const, reviewedAt: t('18:00') },
      { ...i3, review: 'dismissed' as const, reviewedAt: t('18:00') },
    ])
      await js.publish(incidentSubject('reviewed', review), encodeMessage(review));

    const cases = await post(admin, '/api/cases', {
      cases: [
        // W1, S1: 4 cases, 3 on time (c13 finishes 14:15, due 14:10); ratings 5, 4, 2: mean 11 / 3, one ≤ 2.
        kase('c10', 'W1', 'S1', '09:10', '10:00', 5),
        kase('c11', 'W1', 'S1', '10:30', '11:00', 4),
        kase('c12', 'W1', 'S1', '13:10', '14:00', 2),
        kase('c13', 'W1', 'S1', '14:00', '14:10'),
        // W2, S2: 3 cases, all on time; ratings 1, 1.
        kase('c20', 'W2', 'S2', '09:10', '10:00', 1),
        kase('c21', 'W2', 'S2', '10:10', '11:00', 1),
        kase('c22', 'W2', 'S2', '13:10', '14:00'),
        // W3, S3: 7 cases, all on time, all rated 5.
        ...['09:10', '09:40', '10:10', '10:40', '13:10', '13:40', '14:10'].map((at, k) => kase(`c3${k}`, 'W3', 'S3', at, '17:00', 5)),
      ],
    });
    expect(cases.body).toMatchObject({ accepted: 14, rejected: 0 });

    // W1: rate 400 / 420 = 0.9524; on time 0.75; mean satisfaction 3.67 → (3.67 − 1) / 4 = 0.6675;
    // 4 cases / 6.667 staffed hours = 0.6 → 0.6 / 4 = 0.15.
    // base 40 × 0.9524 + 20 × 0.75 + 20 × 0.6675 + 20 × 0.15 = 38.096 + 15 + 13.35 + 3 = 69.446;
    // deductions: 1 confirmed absence × 2 + 1 verified complaint (K1) × 5 = 7; score 62.45.
    const w1 = {
      window: 'W1',
      scheduledHours: 147,
      staffedHours: 6.667,
      unknownHours: 140,
      excusedAbsenceMinutes: 0,
      unexcusedAbsenceMinutes: 20,
      // No 暂离 was declared.
      declaredAwayMinutes: 0,
      attendanceRate: 0.9524,
      absenceIncidentsConfirmed: 1,
      casesHandled: 4,
      casesPerStaffedHour: 0.6,
      onTimeRate: 0.75,
      ratings: 3,
      meanSatisfaction: 3.67,
      lowSatisfactionShare: 0.3333,
      verifiedComplaints: 1,
      unverifiedComplaints: 0,
      pendingComplaints: 0,
      queueMismatchIncidents: 0,
      queueMismatchesConfirmed: 0,
      yellowCards: 0,
      redCards: 0,
      weightAttendance: 40,
      weightOnTime: 20,
      weightSatisfaction: 20,
      weightThroughput: 20,
      throughputTarget: 4,
      deductionPerAbsenceIncident: 2,
      deductionPerVerifiedComplaint: 5,
      deductionPerQueueMismatch: 2,
      deductionPerRedCard: 3,
      baseScore: 69.45,
      deductions: 7,
      score: 62.45,
      // Judged 7 of 147 scheduled hours: the score stands on 4.8% of the time.
      coverage: 0.0476,
      rankDepartment: 'tax',
      rankInDepartment: 1,
      rankHall: 'H1',
      rankInHall: 1,
    };
    // Reporting consumes the events in its own time: wait until every window's day is in.
    const byWindow = await eventually(async () => {
      const r = await rows(admin, `/api/stats/evaluation?${MONTH}&groupBy=window`);
      const staffed = Object.fromEntries(r.map((x) => [x.window, [x.staffedHours, x.casesHandled]]));
      const w1In = r.find((x) => x.window === 'W1')?.absenceIncidentsConfirmed === 1;
      return w1In && JSON.stringify([staffed.W1, staffed.W2, staffed.W3]) === '[[6.667,4],[5,3],[7,7]]' ? r : undefined;
    });
    expect(byWindow.find((r) => r.window === 'W1')).toEqual(w1);
    // W2: rate 300 / 420 = 0.7143; on time 1; mean 1 → 0; 3 / 5 h = 0.6 → 0.15.
    // base 28.572 + 20 + 0 + 3 = 51.572; K2 unfounded and K3 pending count apart, I2 and I3 not confirmed: no deductions.
    expect(byWindow.find((r) => r.window === 'W2')).toMatchObject({
      attendanceRate: 0.7143,
      unexcusedAbsenceMinutes: 120,
      absenceIncidentsConfirmed: 0,
      onTimeRate: 1,
      meanSatisfaction: 1,
      lowSatisfactionShare: 1,
      verifiedComplaints: 0,
      unverifiedComplaints: 1,
      pendingComplaints: 1,
      baseScore: 51.57,
      deductions: 0,
      score: 51.57,
      rankInDepartment: 2,
      rankInHall: 2,
    });
    // W3: rate 1; on time 1; mean 5 → 1; 7 / 7 h = 1 → 0.25. base 40 + 20 + 20 + 5 = 85; K4 verified: 80.
    expect(byWindow.find((r) => r.window === 'W3')).toMatchObject({
      attendanceRate: 1,
      casesPerStaffedHour: 1,
      baseScore: 85,
      deductions: 5,
      score: 80,
      rankDepartment: 'police',
      rankInDepartment: 1,
      rankHall: 'H2',
      rankInHall: 1,
    });
    // K5 names no window: its own row, nothing measured, no score and no rank.
    expect(byWindow.find((r) => r.window === 'unassigned')).toMatchObject({
      verifiedComplaints: 1,
      baseScore: null,
      deductions: 5,
      score: null,
      rankInDepartment: null,
    });

    // By staff: each worked one window, so S1's row is W1's (the incident's "张三 (S1)" counts for S1),
    // but for the time: only the judged day is S1's (7 h); the unreported days belong to nobody.
    const byStaff = await rows(admin, `/api/stats/evaluation?${MONTH}&groupBy=staff`);
    const { window: _w, ...s1 } = w1;
    expect(byStaff.find((r) => r.staff === 'S1')).toEqual({ staff: 'S1', ...s1, scheduledHours: 7, unknownHours: 0, coverage: 1 });
    expect(byStaff.find((r) => r.staff === 'S3')).toMatchObject({ score: 80, rankDepartment: 'police' });

    // By hall, H1 = W1 + W2: rate 700 / 840 = 0.8333; on time 6 / 7 = 0.8571; ratings 13 / 5 = 2.6 → 0.4;
    // 7 cases / 11.667 h = 0.6 → 0.15. base 33.332 + 17.142 + 8 + 3 = 61.474; deductions 2 + 5 = 7: 54.47.
    const byHall = await rows(admin, `/api/stats/evaluation?${MONTH}&groupBy=hall`);
    expect(byHall.find((r) => r.hall === 'H1')).toMatchObject({
      attendanceRate: 0.8333,
      onTimeRate: 0.8571,
      meanSatisfaction: 2.6,
      casesPerStaffedHour: 0.6,
      baseScore: 61.47,
      deductions: 7,
      score: 54.47,
      rankDepartment: 'tax',
    });

    // A hall manager sees their halls only; the complaint without a window belongs to none.
    expect((await rows(manager, `/api/stats/evaluation?${MONTH}&groupBy=window`)).map((r) => r.window)).toEqual(['W1', 'W2']);
    expect((await get(manager, `/api/stats/evaluation?${MONTH}&groupBy=window&hall=H2`)).status).toBe(403);
    expect((await get(admin, `/api/stats/evaluation?from=2024-03-01&to=2024-02-30&groupBy=window`)).status).toBe(400);

    // The CLI computes the same table in process.
    const json = await cli('report', 'evaluation', '--from', '2024-03-01', '--to', '2024-03-31', '--by', 'window');
    expect(json.status).toBe(0);
    expect((JSON.parse(json.stdout) as Record<string, unknown>[]).find((r) => r.window === 'W1')).toEqual(w1);
    const csv = await cli('report', 'evaluation', '--from', '2024-03-01', '--to', '2024-03-31', '--by', 'department', '--format', 'csv');
    const [header, ...lines] = csv.stdout
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    const columns = header.split(',');
    const tax = lines.map((l) => l.split(',')).find((cells) => cells[0] === 'tax')!;
    // The tax department is hall H1's two windows: the same figures as H1; the weights are not columns.
    expect(tax[columns.indexOf('效能得分')]).toBe('54.47');
    expect(tax[columns.indexOf('出勤率(不含请假)')]).toBe('83.3%');
    expect(tax[columns.indexOf('排名所在大厅')]).toBe('City hall');
    expect(columns.filter((c) => c.includes('权重'))).toEqual([]);
  });

  it('downloads the XLSX through the gateway as the console shows the table: title, weights once, % formats, frozen filtered header, Chinese names', async () => {
    const before = Date.now();
    const res = await get(admin, `/api/stats/evaluation?${MONTH}&groupBy=window&format=xlsx`);
    const after = Date.now();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="evaluation-window-2024-03-01-2024-03-31.xlsx"; filename*=UTF-8''` +
        encodeURIComponent('效能考核_按窗口_2024-03-01至2024-03-31.xlsx'),
    );
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await res.arrayBuffer()) as ArrayBuffer);
    expect(book.worksheets.map((w) => w.name)).toEqual(['效能考核']);
    const ws = book.worksheets[0];

    const title = /^效能考核（按窗口） 2024-03-01 至 2024-03-31 · 生成于 (\d{4}-\d{2}-\d{2} \d{2}:\d{2})（Asia\/Shanghai）$/.exec(
      String(ws.getCell('A1').value),
    );
    expect(title).not.toBeNull();
    const generated = Date.parse(`${title![1].replace(' ', 'T')}:00+08:00`);
    expect(generated).toBeGreaterThanOrEqual(Math.floor(before / 60_000) * 60_000);
    expect(generated).toBeLessThanOrEqual(after);
    // The site's default weights, once.
    expect(ws.getCell('A2').value).toBe(
      '权重与扣分：出勤率 40 · 按时办结 20 · 满意度 20 · 办件效率 20 · 满分办件效率(件/小时) 4 · 每起离岗扣分 2 · 每件属实投诉扣分 5 · 每起叫号空岗扣分 2 · 每张红牌扣分 3',
    );
    expect(ws.getCell('A3').value).toBe('覆盖率 = 已判断时长 ÷ 应在岗时长；低于80%的得分标为橙色，仅供参考。');

    // The header: the console's labels in the console's order (test/web/console.e2e-spec.ts compares the two).
    const labels = [
      '窗口',
      '应在岗时长(小时)',
      '在岗时长(小时)',
      '无法判断时长(小时)',
      '请假期间离岗时长(分钟)',
      '未请假离岗时长(分钟)',
      '暂离时长(分钟)',
      '出勤率(不含请假)',
      '已确认离岗事件',
      '办件量',
      '每在岗小时办件量',
      '按时办结率',
      '评价数',
      '平均满意度(1-5)',
      '不满意(≤2)占比',
      '属实投诉',
      '不属实投诉',
      '待核实投诉',
      '叫号空岗事件',
      '已确认叫号空岗',
      '黄牌(临近时限)',
      '红牌(超期未办结)',
      '基础分',
      '扣分',
      '排名所在部门',
      '部门内排名',
      '排名所在大厅',
      '大厅内排名',
      '效能得分',
      '覆盖率(已判断/应在岗)',
      '覆盖提示',
    ];
    expect(ws.getRow(4).values).toEqual([undefined, ...labels]);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 4 });
    expect(ws.autoFilter).toBe('A4:AE4');

    const rowOf = (name: string) => {
      const found = [5, 6, 7, 8].map((n) => ws.getRow(n)).find((r) => r.getCell(1).value === name);
      if (!found) throw new Error(`no row ${name}`);
      return (label: string) => found.getCell(labels.indexOf(label) + 1);
    };
    const tax1 = rowOf('Tax 1'); // W1, by its name
    expect([tax1('出勤率(不含请假)').value, tax1('出勤率(不含请假)').numFmt]).toEqual([0.9524, '0.0%']);
    expect([tax1('按时办结率').value, tax1('按时办结率').numFmt]).toEqual([0.75, '0.0%']);
    expect([tax1('效能得分').value, tax1('覆盖率(已判断/应在岗)').value]).toEqual([62.45, 0.0476]);
    expect(tax1('覆盖提示').value).toBe('已判断时长不足80%，得分仅供参考');
    expect(tax1('排名所在大厅').value).toBe('City hall');
    // K5, a complaint without a window: no score, so nothing to warn about.
    const none = rowOf('未指定');
    expect([none('效能得分').value, none('覆盖提示').value, none('属实投诉').value]).toEqual([null, null, 1]);

    // By staff, the unreported days belong to nobody on the roster: 未排班.
    const byStaff = await get(admin, `/api/stats/evaluation?${MONTH}&groupBy=staff&format=csv`);
    const staffRows = (await byStaff.text()).split('\r\n').map((l) => l.split(',')[0]);
    expect(staffRows.slice(1, -1).sort()).toEqual(['S1', 'S2', 'S3', '未排班']);
  });
});
