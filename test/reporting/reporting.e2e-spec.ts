import * as fs from 'node:fs';
import * as path from 'node:path';
import ExcelJS from 'exceljs';
import { encodeMessage, PresenceMessage, Subjects } from '@hallwatch/contracts';
import { eventually, login, runCli, Stack, startStack } from '../support/e2e';

const PASSWORD = 'report-test-pw';
const DAY = '2024-03-04'; // a Monday; Asia/Shanghai
const t = (hhmm: string) => `${DAY}T${hhmm}:00+08:00`;

function kase(caseId: string, staffId: string, taken: string, called: string, started: string, finished: string, deadline: string) {
  return {
    caseId,
    windowId: 'W1',
    staffId,
    serviceItem: '营业执照',
    takenAt: t(taken),
    calledAt: t(called),
    startedAt: t(started),
    finishedAt: t(finished),
    deadline: t(deadline),
    status: 'completed',
  };
}

describe('reporting end to end: presence over NATS, cases over HTTP and CSV, statistics back', () => {
  let stack: Stack;
  let admin: string;

  beforeAll(async () => {
    stack = await startStack({
      name: 'reporting',
      password: PASSWORD,
      users: ['admin'],
      site: (hash) => `
timezone: Asia/Shanghai
halls:
  - { id: H1, name: City hall, kind: hall }
  - { id: T1, name: Township centre, kind: township }
cameras:
  - { id: cam1, hall: H1, rtsp: "rtsp://127.0.0.1:9/none" }
  - { id: cam2, hall: T1, rtsp: "rtsp://127.0.0.1:9/none" }
windows:
  - { id: W1, hall: H1, name: Tax 1, department: tax, camera: cam1, zone: [[0,0],[1,0],[1,1]] }
  - { id: W2, hall: T1, name: Police 1, department: police, camera: cam2, zone: [[0,0],[1,0],[1,1]] }
schedules:
  default: { weekdays: [mon, tue, wed, thu, fri], open: ["09:00-12:00", "13:00-17:00"] }
users:
  - { username: admin, passwordHash: "${hash}", role: admin }
  - { username: evaluator, passwordHash: "${hash}", role: evaluator }
  - { username: township, passwordHash: "${hash}", role: hall_manager, halls: [T1] }
`,
    });
    admin = stack.tokens.admin;
  });

  afterAll(() => stack?.stop());

  const get = (token: string, p: string) => stack.call('GET', p, token);
  const rows = (token: string, p: string) => stack.get<Record<string, unknown>[]>(p, token);
  const period = `from=${DAY}&to=${DAY}`;

  it('turns presence events and cases into hand-computed figures', async () => {
    const js = stack.nc.jetstream();
    // Schedule 09:00-12:00 + 13:00-17:00 = 420 min. Sent out of order: arrival order must not matter.
    const changes: [PresenceMessage['state'], string][] = [
      ['absent', '10:00'], // 20 min: an absence (threshold 10 min by default)
      ['staffed', '09:00'],
      ['staffed', '10:20'],
      ['unknown', '11:30'], // camera out until lunch: 30 min unknown, never absence
      ['closed', '12:00'], // lunch: inference reports every schedule boundary
      ['staffed', '13:00'],
      ['absent', '16:30'], // 30 min to closing: an absence
      ['closed', '17:00'],
      ['absent', '10:00'], // redelivered: changes nothing
    ];
    for (const [state, at] of changes) {
      await js.publish(Subjects.presence('W1'), encodeMessage({ windowId: 'W1', hallId: 'H1', state, since: t(at), at: t(at) }));
    }
    await js.publish(Subjects.presence('W1'), Buffer.from('{"windowId": "W1", "state": "sleeping"}')); // malformed: dropped

    const post = await stack.call('POST', '/api/cases', admin, {
      cases: [
        kase('c1', 'S1', '09:05', '09:10', '09:10', '09:22', '09:30'), // wait 5, handling 12, on time
        kase('c2', 'S1', '10:05', '10:25', '10:26', '10:40', '10:30'), // ticket during the absence; wait 20, handling 14, late
        kase('c3', 'S2', '11:02', '11:06', '11:06', '11:16', '12:00'), // wait 4, handling 10
        kase('c4', 'S1', '16:35', '16:45', '16:45', '16:53', '17:00'), // during the absence; wait 10, handling 8
        { ...kase('bad', 'S1', '09:00', '08:50', '09:00', '09:10', '10:00') },
      ],
    });
    expect(post.status).toBe(200);
    const answer = (await post.json()) as { results: unknown[] };
    expect(answer).toMatchObject({ accepted: 4, rejected: 1 });
    expect(answer.results[4]).toEqual({ row: 4, caseId: 'bad', accepted: false, reason: 'calledAt must not be before takenAt' });

    // Staffed 60 + 70 + 210 = 340 min of 420; unknown 30; rate 340 / 390.
    const attendance = await eventually(async () => {
      const r = await rows(admin, `/api/stats/attendance?${period}&groupBy=window`);
      const w1 = r.find((x) => x.window === 'W1');
      return w1 && w1.staffedHours === Math.round((340 / 60) * 1000) / 1000 && w1.absentPeriods === 2 ? r : undefined;
    });
    expect(attendance.find((x) => x.window === 'W1')).toMatchObject({
      scheduledHours: 7,
      unknownHours: 0.5,
      attendanceRate: Math.round((340 / 390) * 10000) / 10000,
      absenceMinutes: 50,
    });
    // W2 never reported: all of its scheduled time is unknown, and no rate is claimed.
    expect(attendance.find((x) => x.window === 'W2')).toMatchObject({
      scheduledHours: 7,
      staffedHours: 0,
      unknownHours: 7,
      attendanceRate: null,
      absentPeriods: 0,
    });

    const throughput = await rows(admin, `/api/stats/throughput?${period}&groupBy=window`);
    expect(throughput.find((x) => x.window === 'W1')).toEqual({
      window: 'W1',
      casesHandled: 4,
      staffedHours: Math.round((340 / 60) * 1000) / 1000,
      casesPerStaffedHour: Math.round((4 / (340 / 60)) * 1000) / 1000,
      medianHandlingMinutes: 11, // 8 10 | 12 14
      p90HandlingMinutes: 13.4,
      medianWaitMinutes: 7.5, // 4 5 | 10 20
      p90WaitMinutes: 17, // rank 2.7 between 10 and 20
      waitOverTargetRate: 0, // none over rules.waitTarget (30 min by default)
      noShows: 0,
      onTimeRate: 0.75,
      medianWaitDuringAbsenceMinutes: 15, // 20, 10
      medianWaitOtherwiseMinutes: 4.5, // 5, 4
      yellowCards: 0,
      redCards: 0,
      // None of the four cases is rated, so no bad rating opened an order.
      goodRatingRate: null,
      badRatingRate: null,
      unratedRate: 1,
      badRatingRectifiedRate: null,
    });
    const byStaff = await rows(admin, `/api/stats/throughput?${period}&groupBy=staff`);
    expect(byStaff.map((r) => [r.staff, r.casesHandled])).toEqual([
      ['S1', 3],
      ['S2', 1],
      ['unassigned', 0],
    ]);
  });

  it("exports CSV and XLSX with the console's Chinese labels, hall names and shares as %", async () => {
    const csv = await get(admin, `/api/stats/attendance?${period}&groupBy=hall&format=csv`);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect(csv.headers.get('content-disposition')).toBe(
      `attachment; filename="attendance-hall-${DAY}-${DAY}.csv"; filename*=UTF-8''${encodeURIComponent(`出勤统计_按大厅_${DAY}至${DAY}.csv`)}`,
    );
    const lines = (await csv.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0].split(',').slice(0, 5)).toEqual(['大厅', '应在岗时长(小时)', '在岗时长(小时)', '无法判断时长(小时)', '出勤率']);
    // H1 (W1): 340 of 390 judged minutes staffed = 87.2%; T1 (W2) judged nothing.
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 5))).toEqual([
      ['City hall', '7.00', '5.67', '0.50', '87.2%'],
      ['Township centre', '7.00', '0.00', '7.00', ''],
    ]);
    const xlsx = await get(admin, `/api/stats/throughput?${period}&groupBy=township&format=xlsx`);
    expect(xlsx.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await xlsx.arrayBuffer()) as ArrayBuffer);
    const ws = book.getWorksheet('办件统计')!;
    expect(ws.getCell('A1').value).toMatch(new RegExp(`^办件统计（按乡镇中心） ${DAY} 至 ${DAY} · 生成于 `));
    expect([ws.getCell('A2').value, ws.getCell('A3').value]).toEqual(['乡镇中心', 'Township centre']);
  });

  it('limits hall managers to their halls', async () => {
    const manager = await login(stack.base, 'township', PASSWORD);
    expect((await get(manager, `/api/stats/attendance?${period}&groupBy=window&hall=H1`)).status).toBe(403);
    expect((await rows(manager, `/api/stats/attendance?${period}&groupBy=window`)).map((r) => r.window)).toEqual(['W2']);
    const evaluator = await login(stack.base, 'evaluator', PASSWORD);
    expect((await rows(evaluator, `/api/stats/throughput?${period}&groupBy=hall`)).map((r) => r.hall)).toEqual(['H1', 'T1']);
    expect((await get(evaluator, `/api/stats/throughput?${period}&groupBy=floor`)).status).toBe(400);
  });

  it('imports a CSV through the real CLI, reporting the bad row, and re-importing changes nothing', async () => {
    const file = path.join(path.dirname(stack.env.HALLWATCH_SITE), 'cases.csv');
    const c5 = kase('c5', 'S2', '14:00', '14:03', '14:03', '14:33', '14:30'); // wait 3, handling 30, late
    const header = Object.keys(c5);
    fs.writeFileSync(
      file,
      [
        header.join(','),
        header.map((k) => (c5 as Record<string, string>)[k]).join(','),
        header
          .map((k) => (k === 'status' ? 'lost' : (c5 as Record<string, string>)[k]))
          .join(',')
          .replace('c5', 'c6'),
        header.map((k) => (k === 'windowId' ? 'W2' : (c5 as Record<string, string>)[k])).join(','), // c5 again: refused, never a silent move
      ].join('\n'),
    );
    const cli = (...args: string[]) => runCli(args, stack.env);
    for (let i = 0; i < 2; i++) {
      const run = await cli('import', 'cases', file);
      expect(run.stderr).toContain('3/3 rows');
      expect(run.stdout).toContain('rejected line 3 (c6): status must be one of the following values');
      expect(run.stdout).toContain('rejected line 4 (c5): caseId "c5" is also on line 2');
      expect(run.stdout).toContain('1 accepted, 2 rejected');
      expect(run.status).toBe(0);
    }
    const report = await cli('report', 'throughput', '--from', DAY, '--to', DAY, '--by', 'window');
    expect(report.status).toBe(0);
    const w1 = (JSON.parse(report.stdout) as Record<string, unknown>[]).find((r) => r.window === 'W1');
    // c1-c5: handling 8 10 12 14 30, on time 3 of 5.
    expect(w1).toMatchObject({ casesHandled: 5, medianHandlingMinutes: 12, onTimeRate: 0.6 });

    const unreadable = await cli('import', 'cases', `${file}.missing`);
    expect(unreadable.status).toBe(1);
    expect(unreadable.stderr).toMatch(/cannot read .*cases\.csv\.missing: ENOENT/);
  });
});
