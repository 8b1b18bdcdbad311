import { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { encodeMessage, PresenceMessage, Subjects } from '@hallwatch/contracts';
import { eventually, freePort, login, runCli, Stack, startService, startStack } from '../support/e2e';
import { EMPTY_ZONE, startCameras } from '../inference/inference-harness';

/**
 * Issue 13, leaves (请假、公出、调班), on real parts: an RTSP stream of an empty room makes real
 * absences on two windows whose rosters name S001 and S002; leaves come in through the API and
 * the CLI. A past day's presence on a third window (published like inference does) gives the
 * hand-computed split of absence into excused and unexcused minutes.
 */
interface Incident {
  id: string;
  windowId: string;
  status: string;
  staff?: string;
  leaveId?: string;
  openedAt: string;
  audit: { by: string; action: string; reason?: string }[];
}

const PASSWORD = 'leave-test-pw';
const DAY = '2024-03-04'; // a Monday, Asia/Shanghai
const t = (hhmm: string) => `${DAY}T${hhmm}:00+08:00`;
const iso = (ms: number) => new Date(ms).toISOString();

function leave(id: string, staffId: string, from: string, to: string, extra: Record<string, unknown> = {}) {
  return { id, staffId, kind: 'leave', from, to, reason: '病假', ...extra };
}

describe('leaves: excused absences, through the API and the CLI', () => {
  let camera: ChildProcess;
  let stack: Stack;
  let admin: string;
  let supervisor: string;
  const started = Date.now();

  beforeAll(async () => {
    const cameraPort = await freePort();
    camera = await startCameras(cameraPort);
    stack = await startStack({
      name: 'leaves',
      password: PASSWORD,
      users: ['admin', 'jianchaju'],
      startTimeoutMs: 120000,
      site: (hash) => `
timezone: Asia/Shanghai
halls:
  - { id: h1, name: 区行政审批服务大厅, kind: hall, minStaffedWindows: 0, schedule: always }
  - { id: h2, name: 城关镇便民服务中心, kind: township, minStaffedWindows: 0, schedule: always }
cameras:
  - { id: cam-empty, hall: h1, rtsp: "rtsp://127.0.0.1:${cameraPort}/empty", sampleEverySeconds: 1 }
  - { id: cam-h2, hall: h2, rtsp: "rtsp://127.0.0.1:9/none", sampleEverySeconds: 1 }
windows:
  - { id: W-L, hall: h1, name: 1号窗口, department: 社保中心, camera: cam-empty, zone: ${EMPTY_ZONE} }
  - { id: W-N, hall: h1, name: 2号窗口, department: 社保中心, camera: cam-empty, zone: ${EMPTY_ZONE} }
  - { id: W1, hall: h2, name: 综合窗口, department: 便民服务, camera: cam-h2, schedule: office, zone: ${EMPTY_ZONE} }
schedules:
  always: { weekdays: [mon, tue, wed, thu, fri, sat, sun], open: ["00:00-24:00"] }
  office: { weekdays: [mon, tue, wed, thu, fri], open: ["09:00-12:00", "13:00-17:00"] }
rules: { absenceAfter: 5s, lateAfter: 1h, earlyLeaveBefore: 1s, gapAfter: 1h }
rosters:
  - { window: W-L, staff: "张三 (S001)", from: "00:00", to: "24:00" }
  - { window: W-N, staff: "李四（S002）", from: "00:00", to: "24:00" }
  - { window: W1, staff: S010, weekdays: [mon, tue, wed, thu, fri], from: "09:00", to: "17:00" }
users:
  - { username: admin, role: admin, passwordHash: "${hash}" }
  - { username: jianchaju, role: supervisor, passwordHash: "${hash}" }
  - { username: chief-h2, role: hall_manager, halls: [h2], passwordHash: "${hash}" }
`,
    });
    ({ admin, jianchaju: supervisor } = stack.tokens);
  });

  afterAll(async () => {
    await stack?.stop();
    camera?.kill('SIGKILL');
    camera?.stdout?.destroy();
    camera?.stderr?.destroy();
  });

  const call = (method: string, token: string, url: string, body?: unknown) => stack.call(method, url, token, body);
  const postLeaves = async (token: string, leaves: unknown[]) => {
    const res = await call('POST', token, '/api/leaves', { leaves });
    expect(res.status).toBe(200);
    return (await res.json()) as {
      accepted: number;
      rejected: number;
      results: { row: number; id?: string; accepted: boolean; reason?: string }[];
    };
  };
  const incidents = async (query: string): Promise<Incident[]> => {
    const res = await call('GET', supervisor, `/api/incidents?${query}`);
    if (res.status !== 200) throw new Error(`GET /api/incidents?${query}: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { items: Incident[] }).items;
  };
  const w1 = async () => {
    const res = await call('GET', admin, `/api/stats/attendance?from=${DAY}&to=${DAY}&groupBy=window&hall=h2`);
    return ((await res.json()) as Record<string, unknown>[]).find((r) => r.window === 'W1');
  };

  it('answers per row: bad fields, a repeated id, another hall, and the same leave again', async () => {
    const manager = await login(stack.base, 'chief-h2', PASSWORD);
    const answer = await postLeaves(manager, [
      leave('L-bad', 'S010', t('11:00'), t('10:00')),
      leave('L-h2', 'S010', t('08:00'), t('08:30'), { approvedBy: '主任 李明' }),
      leave('L-h2', 'S010', t('08:00'), t('08:45')),
      leave('L-h1', 'S001', t('08:00'), t('08:30')),
      { ...leave('L-kind', 'S010', t('08:00'), t('08:30')), kind: 'holiday', from: '2024-03-04 08:00' },
    ]);
    expect(answer).toMatchObject({ accepted: 1, rejected: 4 });
    expect(answer.results).toEqual([
      { row: 0, id: 'L-bad', accepted: false, reason: 'to must be after from' },
      { row: 1, id: 'L-h2', accepted: true, warning: expect.stringMatching(/^approvedBy ignored: a leave is approved by the signed-in/) },
      { row: 2, id: 'L-h2', accepted: false, reason: 'id "L-h2" appears more than once in this batch (first in row 1)' },
      { row: 3, id: 'L-h1', accepted: false, reason: 'staffId "S001" is not on the roster of a window in your halls' },
      { row: 4, id: 'L-kind', accepted: false, reason: expect.stringMatching(/kind must be one of.*from must be an ISO 8601/) },
    ]);
    // Registered again: the same fields change nothing, other fields are refused.
    expect((await postLeaves(manager, [leave('L-h2', 'S010', '2024-03-04T00:00:00Z', '2024-03-04T00:30:00Z')])).accepted).toBe(1);
    expect((await postLeaves(manager, [leave('L-h2', 'S010', t('08:00'), t('09:00'))])).results[0].reason).toMatch(
      /already registered with another to/,
    );
    // The hall manager's leave waits for the bureau: it may not approve it itself.
    expect((await call('POST', manager, '/api/leaves/L-h2/approve', { reason: '同意' })).status).toBe(403);
    expect((await (await call('GET', manager, '/api/leaves/L-h2')).json()) as { status: string }).toMatchObject({ status: 'pending' });
    expect((await call('POST', admin, '/api/leaves', { leaves: 'L1' })).status).toBe(400);
  });

  it('excuses an absence during approved leave at open, and one registered after the fact afterwards', async () => {
    // S001 is on leave from before the services watch until long after; S002 is not (yet).
    const leaveFrom = iso(started - 3600_000);
    expect((await postLeaves(admin, [leave('L-S001', 'S001', leaveFrom, iso(started + 3 * 3600_000))])).accepted).toBe(1);
    for (const name of ['inference', 'ingestion']) stack.services.push(await startService(name, stack.env, 120000));

    const firstAbsence = (windowId: string) =>
      eventually(async () => (await incidents(`kind=absence&window=${windowId}`))[0], 120000, 1000);
    const excused = await firstAbsence('W-L');
    expect(excused).toMatchObject({ windowId: 'W-L', status: 'excused', leaveId: 'L-S001', staff: '张三 (S001)' });
    expect(excused.audit).toEqual([
      expect.objectContaining({
        by: 'admin',
        action: 'excused',
        reason: expect.stringMatching(/^leave L-S001: .*approved by admin: 病假$/),
      }),
    ]);

    const unexcused = await firstAbsence('W-N');
    expect(unexcused.status).not.toBe('excused');
    expect(unexcused.leaveId).toBeUndefined();
    expect((await incidents('status=excused')).map((i) => i.id)).toEqual([excused.id]);

    // S002's leave, registered after the fact with a replacement who is away too (a shift swap to S003, on official duty).
    const opened = Date.parse(unexcused.openedAt);
    const answer = await postLeaves(admin, [
      leave('L-S002', 'S002', iso(opened - 60_000), iso(opened + 3600_000), { kind: 'shift-swap', replacementStaffId: 'S003' }),
      leave('L-S003', 'S003', iso(opened - 120_000), iso(opened + 3600_000), { kind: 'official-duty' }),
    ]);
    expect(answer.accepted).toBe(2);
    const later = await eventually(
      async () => {
        const [i] = await incidents('kind=absence&window=W-N');
        return i.status === 'excused' ? i : undefined;
      },
      30000,
      500,
    );
    expect(later).toMatchObject({ id: unexcused.id, leaveId: 'L-S003', staff: '李四（S002）' });
    expect(later.audit.map((a) => [a.by, a.action])).toEqual([['admin', 'excused']]);
    expect((await incidents('status=open')).map((i) => i.id)).not.toContain(unexcused.id);

    // The bureau may still decide: the review outranks the leave, and the audit trail keeps both.
    const res = await call('PATCH', supervisor, `/api/incidents/${encodeURIComponent(excused.id)}`, {
      status: 'dismissed',
      reason: '请假属实',
    });
    expect(res.status).toBe(200);
    const reviewed = (await res.json()) as Incident;
    expect(reviewed).toMatchObject({ status: 'dismissed', leaveId: 'L-S001' });
    expect(reviewed.audit.map((a) => a.action)).toEqual(['excused', 'dismissed']);

    // Reporting's copy follows: today's absence incidents of h1 counted as excused (W-N) and dismissed (W-L).
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    const hall = await eventually(async () => {
      const r = await call('GET', admin, `/api/stats/attendance?from=${today}&to=${today}&groupBy=hall&hall=h1`);
      const [row] = (await r.json()) as Record<string, number>[];
      return row && row.incidentsExcused >= 1 && row.incidentsDismissed >= 1 ? row : undefined;
    });
    expect(hall.incidentsExcused).toBe(1);
  });

  it('splits a past day’s absence into excused and unexcused minutes, leaves coming after the fact', async () => {
    // Schedule 09:00-12:00 + 13:00-17:00; absences 10:00-10:20 (20 min) and 16:30-17:00 (30 min).
    const js = stack.nc.jetstream();
    const changes: [PresenceMessage['state'], string][] = [
      ['closed', '08:30'],
      ['staffed', '09:00'],
      ['absent', '10:00'],
      ['staffed', '10:20'],
      ['closed', '12:00'],
      ['staffed', '13:00'],
      ['absent', '16:30'],
      ['closed', '17:00'],
    ];
    for (const [state, at] of changes)
      await js.publish(Subjects.presence('W1'), encodeMessage({ windowId: 'W1', hallId: 'h2', state, since: t(at), at: t(at) }));
    await eventually(async () => ((await w1())?.absenceMinutes === 50 ? true : undefined));
    expect(await w1()).toMatchObject({ excusedAbsenceMinutes: 0, unexcusedAbsenceMinutes: 50, excusedAbsentPeriods: 0 });

    // Through the CLI: 10:10-11:00 covers 10 min of the first absence, not where it began.
    const file = path.join(path.dirname(stack.env.HALLWATCH_SITE), 'leaves.csv');
    const header = 'id,staffId,kind,from,to,reason,approvedBy,replacementStaffId';
    fs.writeFileSync(
      file,
      [
        header,
        `L-csv,S010,leave,${t('10:10')},${t('11:00')},事假,主任 李明,`,
        `L-back,S010,leave,${t('11:00')},${t('10:00')},事假,主任 李明,`,
        `L-csv,S010,leave,${t('10:10')},${t('11:30')},事假,主任 李明,`,
        `L-self,S010,official-duty,${t('13:00')},${t('14:00')},会议,主任 李明,S010`,
      ].join('\n'),
    );
    // The approver is the admin running the import, never the file's approvedBy column.
    const refused = await runCli(['import', 'leaves', file, '--approved-by', 'jianchaju'], stack.env);
    expect(refused.stderr).toContain('--approved-by jianchaju: no admin of that name');
    expect(refused.status).toBe(1);
    expect((await runCli(['import', 'leaves', file], stack.env)).stderr).toContain("required option '--approved-by <user>' not specified");
    const cli = () => runCli(['import', 'leaves', file, '--approved-by', 'admin'], stack.env);
    for (let i = 0; i < 2; i++) {
      const run = await cli();
      expect(run.stderr).toContain('4/4 rows');
      expect(run.stdout).toContain('warning: approvedBy ignored');
      expect(run.stdout).toContain('rejected line 3 (L-back): to must be after from');
      expect(run.stdout).toContain('rejected line 4 (L-csv): id "L-csv" is also on line 2');
      expect(run.stdout).toContain('rejected line 5 (L-self): replacementStaffId must differ from staffId');
      expect(run.stdout).toContain('1 accepted, 3 rejected');
      expect(run.status).toBe(0);
    }
    const csv = (await (await call('GET', admin, '/api/leaves/L-csv')).json()) as Record<string, unknown>;
    expect(csv).toMatchObject({ status: 'approved', submittedBy: 'admin', approvedBy: 'admin' });
    // Through the API: 16:00-16:45 covers where the second absence began and 15 of its 30 min.
    expect((await postLeaves(admin, [leave('L-api', 'S010', t('16:00'), t('16:45'))])).accepted).toBe(1);
    const row = await eventually(async () => {
      const r = await w1();
      return r?.excusedAbsenceMinutes === 25 ? r : undefined;
    });
    expect(row).toMatchObject({
      absentPeriods: 2,
      absenceMinutes: 50,
      excusedAbsentPeriods: 1,
      unexcusedAbsentPeriods: 1,
      excusedAbsenceMinutes: 25,
      unexcusedAbsenceMinutes: 25,
    });
  });
});
