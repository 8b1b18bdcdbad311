import { MongoClient } from 'mongodb';
import { Streams } from '@hallwatch/contracts';
import { demoHistory, type DemoHistory, type DemoHistoryInput } from '@hallwatch/stats';
import { withReporting } from '../../apps/reporting/src/in-process';
import { DEMO_SEED } from '../../apps/reporting/src/services/demo-seed.service';
import { eventually, Stack, startStack } from '../support/e2e';

const PASSWORD = 'demo-history-test-pw';
const MINUTE = 60000;
const HOUR = 60 * MINUTE;
// The first start's "now": the history is the 30 local days before 2026-11-01, i.e. 2026-10-02 to 2026-10-31.
const NOW = Date.parse('2026-11-01T10:00:00+08:00');
const RANGE = 'from=2026-10-02&to=2026-10-31';
// In that range the schedule is open on 18 days: 21 weekdays, less the holidays 10-02, 10-05, 10-06 and
// 10-07, plus the make-up Saturday 10-10; 7 hours a day (09:00-12:00, 13:30-17:30).
const SCHEDULED_HOURS = 18 * 7;
const schedule = {
  weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'] as ('mon' | 'tue' | 'wed' | 'thu' | 'fri')[],
  open: ['09:00-12:00', '13:30-17:30'],
  holidays: ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'],
  makeupWorkdays: ['2026-10-10'],
};
const round3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * The demo's month of history (`npm start` seeds it): seeded against the real database and NATS,
 * then read through the HTTP API as the console does. Every expected figure is worked out here from
 * the calendar or from the generator's plan for this site (the same deterministic input the seed
 * uses), never from the statistics code.
 */
describe('the demo history', () => {
  let stack: Stack;
  let admin: string;
  let plan: DemoHistory;
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    const site = (hash: string) => `
timezone: Asia/Shanghai
halls:
  - { id: H1, name: 区行政审批服务大厅, kind: hall, minStaffedWindows: 1 }
  - { id: T1, name: 城关镇便民服务中心, kind: township, minStaffedWindows: 1 }
cameras:
  - { id: cam1, hall: H1, rtsp: "rtsp://127.0.0.1:9/none" }
  - { id: cam2, hall: T1, rtsp: "rtsp://127.0.0.1:9/none" }
windows:
  - { id: W1, hall: H1, name: 1号窗口, department: 区税务局, camera: cam1, zone: [[0,0],[1,0],[1,1]] }
  - { id: W2, hall: H1, name: 2号窗口, department: 区人社局, camera: cam1, zone: [[0,0],[1,0],[1,1]] }
  - { id: W3, hall: H1, name: 3号窗口, department: 区人社局, camera: cam1, zone: [[0,0],[1,0],[1,1]] }
  - { id: T01, hall: T1, name: 综合窗口, department: 城关镇政府, camera: cam2, zone: [[0,0],[1,0],[1,1]] }
schedules:
  default: ${JSON.stringify(schedule)}
rosters:
  - { window: W1, staff: "张敏 (S1)", from: "00:00", to: "24:00" }
  - { window: W2, staff: "李强 (S2)", from: "00:00", to: "24:00" }
  - { window: W3, staff: "王芳 (S3)", from: "00:00", to: "24:00" }
  - { window: T01, staff: "孙丽 (S4)", from: "00:00", to: "24:00" }
rules: { absenceAfter: 10m, lateAfter: 1h, earlyLeaveBefore: 1h }
users:
  - { username: admin, passwordHash: "${hash}", role: admin }
`;
    const windows = [
      ['W1', 'H1', 'S1', '张敏 (S1)'],
      ['W2', 'H1', 'S2', '李强 (S2)'],
      ['W3', 'H1', 'S3', '王芳 (S3)'],
      ['T01', 'T1', 'S4', '孙丽 (S4)'],
    ].map(([id, hallId, staffId, staff]) => ({ id, hallId, staffId, staff, schedule }));
    const input: DemoHistoryInput = {
      timeZone: 'Asia/Shanghai',
      windows,
      from: Date.parse('2026-10-02T00:00:00+08:00'),
      to: Date.parse('2026-11-01T00:00:00+08:00'),
      seed: DEMO_SEED,
      rules: { absenceAfter: 10 * MINUTE, lateAfter: HOUR, earlyLeaveBefore: HOUR },
    };
    plan = demoHistory(input);

    stack = await startStack({
      name: 'demo-history',
      password: PASSWORD,
      users: ['admin'],
      site,
      beforeServices: async ({ env }) => {
        // The seed runs in this process, as `npm start` runs it in its own, with the same environment.
        for (const [k, v] of Object.entries({ ...env, NATS_URL: process.env.HALLWATCH_TEST_NATS_URL! })) {
          saved[k] = process.env[k];
          process.env[k] = v;
        }
        const started = Date.now();
        const first = await withReporting((reporting) => reporting.seedDemo(NOW));
        console.log(`demo history seeded in ${Date.now() - started} ms: ${JSON.stringify(first.counts)}`);
        expect(first).toMatchObject({ seeded: true, from: input.from, to: input.to });
        expect(first.counts).toMatchObject({ cases: plan.cases.length, presenceChanges: plan.presence.length, leaves: 2, complaints: 5 });
      },
    });
    admin = stack.tokens.admin;
  });

  afterAll(async () => {
    await stack?.stop();
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  });

  const rows = (p: string) => stack.get<Record<string, unknown>[]>(p, admin);
  const byWindow = async (p: string) => new Map((await rows(p)).map((r) => [r.window as string, r]));
  /** Staffed time of a window in the plan: from each staffed change to the next change. */
  const staffedHours = (windowId: string) => {
    const changes = plan.presence.filter((p) => p.windowId === windowId);
    const ms = changes.reduce(
      (sum, c, i) => (c.state === 'staffed' ? sum + Date.parse(changes[i + 1].since) - Date.parse(c.since) : sum),
      0,
    );
    return round3(ms / HOUR);
  };
  const windows = ['W1', 'W2', 'W3', 'T01'];

  it('shows the seeded month in the attendance: the scheduled hours of the calendar, the staffed hours of the plan', async () => {
    // Reporting works through the seeded presence messages after it starts; the figures settle when it is done.
    const attendance = await eventually(
      async () => {
        const r = await byWindow(`/api/stats/attendance?${RANGE}&groupBy=window`);
        return windows.every((w) => r.get(w)?.staffedHours === staffedHours(w)) ? r : undefined;
      },
      150000,
      2000,
    );
    for (const w of windows) {
      const row = attendance.get(w)!;
      expect(row.scheduledHours).toBe(SCHEDULED_HOURS);
      expect(row.staffedHours).toBe(staffedHours(w));
      expect(row.unknownHours).toBe(0); // the plan reports every opening and closing of every open day
      expect(row.attendanceRate as number).toBeGreaterThan(0.75);
      expect(row.attendanceRate as number).toBeLessThan(1);
    }
    // Each leave is a whole open day (7 hours) of its window, absent and excused.
    for (const leave of plan.leaves) {
      const windowId = `${{ S1: 'W1', S2: 'W2', S3: 'W3', S4: 'T01' }[leave.staffId]}`;
      expect(attendance.get(windowId)!.excusedAbsenceMinutes).toBe(7 * 60);
    }
  }, 180000);

  it('shows the seeded cases, ratings, confirmed incidents and complaints in the throughput and the evaluation', async () => {
    const count = <T>(items: T[], windowId: string, pick: (t: T) => string | undefined) => items.filter((i) => pick(i) === windowId).length;
    const evaluation = await eventually(async () => {
      const r = await byWindow(`/api/stats/evaluation?${RANGE}&groupBy=window`);
      return windows.every(
        (w) =>
          r.get(w)?.absenceIncidentsConfirmed ===
          count(
            plan.incidents.filter((i) => i.closed.kind === 'absence' && i.reviewed?.review === 'confirmed'),
            w,
            (i) => i.closed.windowId,
          ),
      )
        ? r
        : undefined;
    }, 60000);
    const throughput = await byWindow(`/api/stats/throughput?${RANGE}&groupBy=window`);
    for (const w of windows) {
      const cases = plan.cases.filter((c) => c.windowId === w);
      expect(cases.length).toBeGreaterThan(100);
      expect(throughput.get(w)!.casesHandled).toBe(cases.length);
      const e = evaluation.get(w)!;
      expect(e.casesHandled).toBe(cases.length);
      expect(e.ratings).toBe(cases.filter((c) => c.satisfaction !== undefined).length);
      expect(e.verifiedComplaints).toBe(plan.complaints.filter((c) => c.windowId === w && c.verified === true).length);
      expect(e.pendingComplaints).toBe(plan.complaints.filter((c) => c.windowId === w && c.verified === 'pending').length);
      expect(e.score).toEqual(expect.any(Number));
      expect(e.score as number).toBeGreaterThan(0);
      expect(e.score as number).toBeLessThan(100);
    }
    const onTime = plan.cases.filter((c) => Date.parse(c.finishedAt!) <= Date.parse(c.deadline)).length;
    const all = await rows(`/api/stats/throughput?${RANGE}&groupBy=hall`);
    expect(all.reduce((n, r) => n + (r.casesHandled as number), 0)).toBe(plan.cases.length);
    expect(plan.cases.length - onTime).toBeGreaterThan(0);
  });

  it('writes its complaints, leaves, cases and marker as demo-seed', async () => {
    // Cases have no read endpoint: their provenance and the marker are read where they are stored.
    const client = await MongoClient.connect(process.env.MONGODB_URI!);
    try {
      const db = client.db();
      const writers = await db
        .collection('cases')
        .distinct('submittedBy', { _id: { $in: plan.cases.slice(0, 50).map((c) => c.caseId) } } as never);
      expect(writers).toEqual(['demo-seed']);
      expect(await db.collection('demo_seeds').findOne({ _id: 'demo-history' } as never)).toMatchObject({
        seed: DEMO_SEED,
        submittedBy: 'demo-seed',
        counts: { cases: plan.cases.length, incidents: plan.incidents.length },
      });
    } finally {
      await client.close();
    }
    const complaint = (await (await stack.call('GET', '/api/complaints/demo-complaint-1', admin)).json()) as Record<string, unknown>;
    expect(complaint).toMatchObject({ id: 'demo-complaint-1', submittedBy: 'demo-seed' });
    for (const { id } of plan.leaves) {
      const leave = (await (await stack.call('GET', `/api/leaves/${id}`, admin)).json()) as Record<string, unknown>;
      expect(leave).toMatchObject({ id, status: 'approved', submittedBy: 'demo-seed', approvedBy: 'demo-seed' });
    }
  });

  it('adds nothing when started again', async () => {
    const messages = async () => {
      const jsm = await stack.nc.jetstreamManager();
      return Promise.all(
        [Streams.presence.name, Streams.incidents.name, Streams.leaves.name].map(async (s) => (await jsm.streams.info(s)).state.messages),
      );
    };
    const before = await messages();
    const figures = await rows(`/api/stats/evaluation?${RANGE}&groupBy=window`);
    // Even on a later day: the marker, not the date, decides.
    const again = await withReporting((reporting) => reporting.seedDemo(NOW + 3 * 24 * HOUR));
    expect(again).toMatchObject({
      seeded: false,
      from: Date.parse('2026-10-02T00:00:00+08:00'),
      to: Date.parse('2026-11-01T00:00:00+08:00'),
    });
    expect(await messages()).toEqual(before);
    expect(await rows(`/api/stats/evaluation?${RANGE}&groupBy=window`)).toEqual(figures);
    // A month later than the history nothing was added either.
    const after = await byWindow(`/api/stats/throughput?from=2026-11-01&to=2026-11-30&groupBy=window`);
    for (const w of windows) expect(after.get(w)?.casesHandled ?? 0).toBe(0);
  });
});
