import mongoose, { mongo } from 'mongoose';
import { encodeMessage, PresenceMessage, Subjects } from '@hallwatch/contracts';
import { eventually, Stack, startStack } from '../support/e2e';

/**
 * Issue 19 from outside, on real reporting, inference and gateway processes over real NATS and
 * FerretDB: a hall manager's retroactive leave excuses nothing until a supervisor approves it, and
 * a revocation takes the excuse back; a hall manager cannot un-verify the bureau's complaint nor
 * rewrite a stored case; every version names who made it.
 */
const PASSWORD = 'provenance-test-pw';
const HOUR = 3600_000;
const DAY = '2024-03-04'; // a Monday, Asia/Shanghai
const t = (hhmm: string) => `${DAY}T${hhmm}:00+08:00`;
const NOW = Date.now();
const iso = (ms: number) => new Date(ms).toISOString();
/** Three absences of W05 (hall h1) in the last two days, one of W21 (hall h2), all closed and unreviewed, as inference stores them. */
const W05 = [40, 26, 3].map((hoursAgo) => ({ id: `absence:h1:W05:${NOW - hoursAgo * HOUR}`, openedAt: NOW - hoursAgo * HOUR }));
const W21 = { id: `absence:h2:W21:${NOW - 26 * HOUR}`, openedAt: NOW - 26 * HOUR };
/** One of W06 (hall h1), excused by a supervisor's leave: once it is, inference has handled every leave published before. */
const W06 = { id: `absence:h1:W06:${NOW - 40 * HOUR}`, openedAt: NOW - 40 * HOUR };

interface Incident {
  id: string;
  status: string;
  leaveId?: string;
  audit: { by: string; action: string; reason?: string }[];
}
interface LeaveRecord {
  id: string;
  status: string;
  submittedBy: string;
  approvedBy?: string;
  halls?: string[];
  versions: { version: number; status: string; action: string; by: string; reason?: string }[];
}
interface RowAnswer {
  row: number;
  id?: string;
  caseId?: string;
  accepted: boolean;
  reason?: string;
  warning?: string;
}

describe('provenance: who submitted, who approved, and who may change what (issue 19)', () => {
  let stack: Stack;
  let db: mongoose.Connection;
  let tokens: Record<string, string>;

  beforeAll(async () => {
    stack = await startStack({
      name: 'provenance',
      password: PASSWORD,
      users: ['admin', 'jianchaju', 'manager-h1'],
      services: ['reporting', 'inference', 'gateway'],
      startTimeoutMs: 120000,
      // Stored as inference stores them, before it starts.
      beforeServices: async ({ env }) => {
        db = await mongoose.createConnection(env.MONGODB_URI).asPromise();
        const stored = (id: string, hallId: string, windowId: string, openedAt: number) => ({
          _id: id as unknown as mongo.ObjectId,
          kind: 'absence',
          hallId,
          windowId,
          staff: '王五 (S005)',
          openedAt: new Date(openedAt),
          closedAt: new Date(openedAt + 30 * 60_000),
          durationMs: 30 * 60_000,
        });
        await db
          .collection('incidents')
          .insertMany([
            ...W05.map((i) => stored(i.id, 'h1', 'W05', i.openedAt)),
            stored(W21.id, 'h2', 'W21', W21.openedAt),
            { ...stored(W06.id, 'h1', 'W06', W06.openedAt), staff: '赵六 (S006)' },
          ]);
      },
      site: (hash) => `
timezone: Asia/Shanghai
halls:
  - { id: h1, name: 区行政审批服务大厅, kind: hall }
  - { id: h2, name: 城关镇便民服务中心, kind: township }
cameras:
  - { id: cam-1, hall: h1, rtsp: "rtsp://127.0.0.1:9/none" }
  - { id: cam-2, hall: h2, rtsp: "rtsp://127.0.0.1:9/none" }
windows:
  - { id: W01, hall: h1, name: 1号窗口, department: 社保中心, camera: cam-1, zone: [[0,0],[1,0],[1,1]] }
  - { id: W05, hall: h1, name: 5号窗口, department: 社保中心, camera: cam-1, zone: [[0,0],[1,0],[1,1]] }
  - { id: W06, hall: h1, name: 6号窗口, department: 社保中心, camera: cam-1, zone: [[0,0],[1,0],[1,1]] }
  - { id: W21, hall: h2, name: 综合窗口, department: 便民服务, camera: cam-2, zone: [[0,0],[1,0],[1,1]] }
schedules:
  default: { weekdays: [mon, tue, wed, thu, fri], open: ["09:00-12:00", "13:00-17:00"] }
  always: { weekdays: [mon, tue, wed, thu, fri, sat, sun], open: ["00:00-24:00"] }
rosters:
  - { window: W01, staff: "张三 (S001)", from: "09:00", to: "17:00" }
  # S005 is rostered in both halls: a leave from h1's manager excuses only in h1.
  - { window: W05, staff: "王五 (S005)", weekdays: [mon, tue, wed, thu, fri, sat, sun], from: "00:00", to: "24:00" }
  - { window: W21, staff: "王五 (S005)", weekdays: [mon, tue, wed, thu, fri, sat, sun], from: "00:00", to: "24:00" }
  - { window: W06, staff: "赵六 (S006)", weekdays: [mon, tue, wed, thu, fri, sat, sun], from: "00:00", to: "24:00" }
users:
  - { username: admin, role: admin, passwordHash: "${hash}" }
  - { username: jianchaju, role: supervisor, passwordHash: "${hash}" }
  - { username: manager-h1, role: hall_manager, halls: [h1], passwordHash: "${hash}" }
`,
    });
    tokens = stack.tokens;
  });

  afterAll(async () => {
    await stack?.stop();
    await db?.close();
  });

  const call = async (method: string, user: string, url: string, body?: unknown) => {
    const res = await stack.call(method, url, tokens[user], body);
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const batch = async (user: string, url: string, field: string, rows: unknown[]): Promise<RowAnswer[]> => {
    const res = await call('POST', user, url, { [field]: rows });
    expect(res.status).toBe(200);
    return (res.body as { results: RowAnswer[] }).results;
  };
  const incident = async (id: string): Promise<Incident> =>
    (await call('GET', 'jianchaju', `/api/incidents/${encodeURIComponent(id)}`)).body;
  const w05 = () => Promise.all(W05.map((i) => incident(i.id)));
  const leave = async (user: string, id: string) => call('GET', user, `/api/leaves/${id}`);
  const excusedInH1 = async (): Promise<number> => {
    const dates = [NOW - 40 * HOUR, NOW].map((ms) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(ms));
    const res = await call('GET', 'admin', `/api/stats/attendance?from=${dates[0]}&to=${dates[1]}&groupBy=hall&hall=h1`);
    return (res.body as { incidentsExcused: number }[])[0]?.incidentsExcused ?? 0;
  };

  it("excuses nothing by a hall manager's retroactive leave until a supervisor approves it, and un-excuses it when revoked", async () => {
    // Two days ago to an hour ahead, "approved" by a free-text name: the name is ignored.
    const posted = await batch('manager-h1', '/api/leaves', 'leaves', [
      {
        id: 'mgr-leave-1',
        staffId: 'S005',
        kind: 'leave',
        from: iso(NOW - 48 * HOUR),
        to: iso(NOW + HOUR),
        reason: '补假',
        approvedBy: '局长',
      },
    ]);
    expect(posted).toEqual([{ row: 0, id: 'mgr-leave-1', accepted: true, warning: expect.stringMatching(/^approvedBy ignored/) }]);
    const pending = (await leave('manager-h1', 'mgr-leave-1')).body as LeaveRecord;
    expect(pending).toMatchObject({ status: 'pending', submittedBy: 'manager-h1', halls: ['h1'] });
    expect(pending.approvedBy).toBeUndefined();

    // A supervisor's leave published after it excuses W06: inference has handled the pending leave
    // before (one leave at a time, in order), and excused nothing by it.
    await batch('jianchaju', '/api/leaves', 'leaves', [
      { id: 'barrier-1', staffId: 'S006', kind: 'leave', from: iso(W06.openedAt - HOUR), to: iso(W06.openedAt + HOUR), reason: '病假' },
    ]);
    await eventually(async () => ((await incident(W06.id)).status === 'excused' ? true : undefined));
    expect(await db.collection('inference_leaves').findOne({ _id: 'mgr-leave-1' as unknown as mongo.ObjectId })).toMatchObject({
      status: 'pending',
    });
    expect((await w05()).map((i) => i.status)).toEqual(['closed', 'closed', 'closed']);
    await eventually(async () => ((await excusedInH1()) === 1 ? true : undefined));

    // Only the bureau approves, and only a pending leave.
    const refused = await call('POST', 'manager-h1', '/api/leaves/mgr-leave-1/approve', { reason: '本人批准' });
    expect(refused.status).toBe(403);
    const approved = await call('POST', 'jianchaju', '/api/leaves/mgr-leave-1/approve', { reason: '经核实属实' });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', submittedBy: 'manager-h1', approvedBy: 'jianchaju' });
    const again = await call('POST', 'admin', '/api/leaves/mgr-leave-1/approve', { reason: '再批' });
    expect(again).toMatchObject({
      status: 409,
      body: { message: 'leave "mgr-leave-1": the leave is approved: only a pending leave can be approved' },
    });

    const excused = await eventually(async () => {
      const all = await w05();
      return all.every((i) => i.status === 'excused') ? all : undefined;
    });
    for (const i of excused) {
      expect(i.leaveId).toBe('mgr-leave-1');
      expect(i.audit).toEqual([
        expect.objectContaining({
          by: 'jianchaju',
          action: 'excused',
          reason: expect.stringMatching(/^leave mgr-leave-1: leave of S005 .*, submitted by manager-h1, approved by jianchaju: 补假$/),
        }),
      ]);
    }
    // S005's seat in the other hall is not excused by h1's manager's leave.
    expect((await incident(W21.id)).status).toBe('closed');
    await eventually(async () => ((await excusedInH1()) === 4 ? true : undefined));

    const revoked = await call('POST', 'jianchaju', '/api/leaves/mgr-leave-1/revoke', { reason: '补假不实' });
    expect(revoked).toMatchObject({ status: 200, body: { status: 'revoked', approvedBy: 'jianchaju' } });
    const unexcused = await eventually(async () => {
      const all = await w05();
      return all.every((i) => i.status === 'closed') ? all : undefined;
    });
    for (const i of unexcused) {
      expect(i.leaveId).toBeUndefined();
      expect(i.audit.map((a) => [a.by, a.action])).toEqual([
        ['jianchaju', 'excused'],
        ['jianchaju', 'unexcused'],
      ]);
      expect(i.audit[1].reason).toBe('leave mgr-leave-1 revoked by jianchaju: 补假不实');
    }
    await eventually(async () => ((await excusedInH1()) === 1 ? true : undefined));
    expect((await call('POST', 'jianchaju', '/api/leaves/mgr-leave-1/revoke', { reason: 'x' })).status).toBe(409);

    // The leave's versions name who did what.
    const record = (await leave('admin', 'mgr-leave-1')).body as LeaveRecord;
    expect(record.versions.map((v) => [v.version, v.action, v.status, v.by, v.reason])).toEqual([
      [1, 'submitted', 'pending', 'manager-h1', undefined],
      [2, 'approve', 'approved', 'jianchaju', '经核实属实'],
      [3, 'revoke', 'revoked', 'jianchaju', '补假不实'],
    ]);
    expect((await leave('admin', 'no-such-leave')).status).toBe(404);
  });

  it('approves a leave a supervisor submits at once, in every hall', async () => {
    const posted = await batch('jianchaju', '/api/leaves', 'leaves', [
      {
        id: 'sup-leave-1',
        staffId: 'S005',
        kind: 'official-duty',
        from: iso(W21.openedAt - HOUR),
        to: iso(W21.openedAt + HOUR),
        reason: '会议',
      },
    ]);
    expect(posted).toEqual([{ row: 0, id: 'sup-leave-1', accepted: true }]);
    expect((await leave('manager-h1', 'sup-leave-1')).body).toMatchObject({
      status: 'approved',
      submittedBy: 'jianchaju',
      approvedBy: 'jianchaju',
    });
    const w21 = await eventually(async () => {
      const i = await incident(W21.id);
      return i.status === 'excused' ? i : undefined;
    });
    expect(w21.audit[0]).toMatchObject({
      by: 'jianchaju',
      reason: expect.stringContaining('submitted by jianchaju, approved by jianchaju'),
    });
  });

  it("refuses a hall manager's change to a verified complaint; the score stays; the versions show who set what", async () => {
    // W01 staffed all of DAY's 420 scheduled minutes.
    const js = stack.nc.jetstream();
    const presence: [PresenceMessage['state'], string][] = [
      ['staffed', '09:00'],
      ['closed', '12:00'],
      ['staffed', '13:00'],
      ['closed', '17:00'],
    ];
    for (const [state, at] of presence)
      await js.publish(Subjects.presence('W01'), encodeMessage({ windowId: 'W01', hallId: 'h1', state, since: t(at), at: t(at) }));
    const w01 = async () => {
      const res = await call('GET', 'admin', `/api/stats/evaluation?from=${DAY}&to=${DAY}&groupBy=window&hall=h1`);
      return (res.body as { window: string; score: number | null; verifiedComplaints: number; staffedMinutes?: number }[]).find(
        (r) => r.window === 'W01',
      );
    };
    const before = await eventually(async () => {
      const r = await w01();
      return typeof r?.score === 'number' ? r : undefined;
    });

    const c1 = {
      id: 'c-1',
      receivedAt: t('10:30'),
      channel: 'inspection',
      windowId: 'W01',
      staffId: 'S001',
      category: '离岗',
      verified: true,
    };
    expect(await batch('admin', '/api/complaints', 'complaints', [c1])).toEqual([{ row: 0, id: 'c-1', accepted: true }]);
    // Default weights: 5 points off per verified complaint.
    const verified = await eventually(async () => {
      const r = await w01();
      return r?.verifiedComplaints === 1 ? r : undefined;
    });
    expect(verified.score).toBeCloseTo(before.score! - 5, 5);

    const unverify = await batch('manager-h1', '/api/complaints', 'complaints', [
      { ...c1, verified: false, outcome: '不属实' },
      { ...c1, id: 'c-2', verified: true },
      { ...c1, id: 'c-3', verified: 'pending' },
    ]);
    expect(unverify).toEqual([
      {
        row: 0,
        id: 'c-1',
        accepted: false,
        reason: 'complaint "c-1": verified: the complaint is verified true by the bureau; only a supervisor or admin may change it',
      },
      { row: 1, id: 'c-2', accepted: false, reason: expect.stringMatching(/^complaint "c-2": verified: only a supervisor or admin sets/) },
      { row: 2, id: 'c-3', accepted: true },
    ]);
    // c-1 as stored: nothing to change, so nothing refused.
    expect(await batch('manager-h1', '/api/complaints', 'complaints', [c1])).toEqual([{ row: 0, id: 'c-1', accepted: true }]);
    expect(await w01()).toMatchObject({ score: verified.score, verifiedComplaints: 1 });

    // The bureau may change it: a new version, the score back where it was.
    expect(await batch('jianchaju', '/api/complaints', 'complaints', [{ ...c1, verified: false, outcome: '经复核不属实' }])).toEqual([
      { row: 0, id: 'c-1', accepted: true },
    ]);
    const cleared = await eventually(async () => {
      const r = await w01();
      return r?.verifiedComplaints === 0 ? r : undefined;
    });
    expect(cleared.score).toBeCloseTo(before.score!, 5);

    const record = await call('GET', 'manager-h1', '/api/complaints/c-1');
    expect(record.status).toBe(200);
    expect(record.body).toMatchObject({ id: 'c-1', verified: false, version: 2, submittedBy: 'jianchaju' });
    expect(
      (record.body.versions as { version: number; verified: unknown; outcome?: string; submittedBy: string }[]).map((v) => [
        v.version,
        v.verified,
        v.outcome,
        v.submittedBy,
      ]),
    ).toEqual([
      [1, true, undefined, 'admin'],
      [2, false, '经复核不属实', 'jianchaju'],
    ]);
    expect((await call('GET', 'manager-h1', '/api/complaints/c-3')).body).toMatchObject({ verified: 'pending', submittedBy: 'manager-h1' });

    // Another hall's complaint is not the manager's to read.
    await batch('admin', '/api/complaints', 'complaints', [{ ...c1, id: 'c-h2', windowId: 'W21' }]);
    expect((await call('GET', 'manager-h1', '/api/complaints/c-h2')).status).toBe(403);
    expect((await call('GET', 'manager-h1', '/api/complaints/c-none')).status).toBe(404);
  });

  it('changes a stored case only by a new version from admin or the queue system, never by a hall manager', async () => {
    const kase = (satisfaction: number) => ({
      caseId: 'k-1',
      windowId: 'W01',
      staffId: 'S001',
      serviceItem: '社保登记',
      takenAt: t('09:00'),
      calledAt: t('09:05'),
      startedAt: t('09:05'),
      finishedAt: t('09:15'),
      deadline: t('10:00'),
      status: 'completed',
      satisfaction,
    });
    expect(await batch('manager-h1', '/api/cases', 'cases', [kase(1)])).toEqual([{ row: 0, caseId: 'k-1', accepted: true }]);
    expect(await batch('manager-h1', '/api/cases', 'cases', [kase(1)])).toEqual([{ row: 0, caseId: 'k-1', accepted: true }]);
    expect(await batch('manager-h1', '/api/cases', 'cases', [kase(5)])).toEqual([
      {
        row: 0,
        caseId: 'k-1',
        accepted: false,
        reason: 'case "k-1": a stored case changes only by a new version from an admin or the queue system',
      },
    ]);
    const doc = () => db.collection('cases').findOne({ _id: 'k-1' as unknown as mongo.ObjectId });
    expect(await doc()).toMatchObject({ satisfaction: 1, version: 1, submittedBy: 'manager-h1' });

    expect(await batch('admin', '/api/cases', 'cases', [kase(4)])).toEqual([{ row: 0, caseId: 'k-1', accepted: true }]);
    await stack.nc.jetstream().publish(Subjects.cases, encodeMessage(kase(3)));
    const queued = await eventually(async () => {
      const d = await doc();
      return d?.version === 3 ? d : undefined;
    });
    expect(queued).toMatchObject({ satisfaction: 3, submittedBy: 'queue-system' });
    expect(
      (queued.versions as { satisfaction: number; version: number; submittedBy: string }[]).map((v) => [
        v.version,
        v.satisfaction,
        v.submittedBy,
      ]),
    ).toEqual([
      [1, 1, 'manager-h1'],
      [2, 4, 'admin'],
    ]);
  });

  it('records who submitted each queue event: the signed-in user, whatever the row says, or the queue system', async () => {
    const event = { windowId: 'W01', staffId: 'S001', event: 'login', at: t('09:01') };
    expect(await batch('manager-h1', '/api/queue-events', 'events', [{ ...event, submittedBy: 'admin' }])).toMatchObject([
      { row: 0, accepted: true },
    ]);
    await stack.nc.jetstream().publish(Subjects.queue('W01'), encodeMessage({ ...event, event: 'logout', at: t('16:59') }));
    const day = await eventually(async () => {
      const d = await db.collection('queue_days').findOne({ _id: `W01|${DAY}` as unknown as mongo.ObjectId });
      return d && (d.submitted as unknown[] | undefined)?.length === 2 ? d : undefined;
    });
    expect(
      (day.submitted as { event: string; by: string; submittedAt?: string }[]).map((e) => [e.event, e.by, typeof e.submittedAt]),
    ).toEqual([
      ['login', 'manager-h1', 'string'],
      ['logout', 'queue-system', 'undefined'],
    ]);
    expect(day.events).toHaveLength(2);
  });
});
