import { parseSite } from '@hallwatch/config';
import type { AuditEntry, IncidentExcusedMessage, IncidentUnexcusedMessage, LeaveRecordMessage } from '@hallwatch/contracts';
import type { Incident } from '@hallwatch/domain';
import type { ServiceContext } from '@hallwatch/runtime';
import type { IncidentRepository } from '../repositories/incident.repository';
import type { IncidentRecord } from '../repositories/incident.schemas';
import type { LeaveRecord, LeaveRepository } from '../repositories/leave.repository';
import type { NatsRepository } from '../repositories/nats.repository';
import { LeaveExcuses } from './leave-excuses.service';
import { SiteHalls } from './site-halls';

const site = parseSite(`
timezone: Asia/Shanghai
halls:
  - { id: h1, name: 一厅, kind: hall }
  - { id: h2, name: 二厅, kind: hall }
cameras:
  - { id: cam-1, hall: h1, rtsp: "rtsp://127.0.0.1:1/a" }
  - { id: cam-2, hall: h2, rtsp: "rtsp://127.0.0.1:1/b" }
windows:
  - { id: W01, hall: h1, name: 1号窗口, department: 甲, camera: cam-1, zone: [[0, 0], [1, 0], [1, 1], [0, 1]] }
  - { id: W02, hall: h1, name: 2号窗口, department: 甲, camera: cam-1, zone: [[0, 0], [1, 0], [1, 1], [0, 1]] }
  - { id: W21, hall: h2, name: 二厅1号, department: 乙, camera: cam-2, zone: [[0, 0], [1, 0], [1, 1], [0, 1]] }
schedules:
  default: { weekdays: [mon, tue, wed, thu, fri, sat, sun], open: ["09:00-17:00"] }
rosters:
  - { window: W01, staff: "张三 (S001)", from: "09:00", to: "17:00" }
  - { window: W02, staff: S002, from: "09:00", to: "17:00" }
  - { window: W21, staff: "张三 (S001)", from: "09:00", to: "17:00" }
`);

/** 2026-11-25 (a Wednesday), local time in Asia/Shanghai. */
const local = (hhmm: string) => Date.parse(`2026-11-25T${hhmm}:00+08:00`);

/** A leave submitted by a hall manager of h1 and approved by the supervisor (version 2). */
const leave = (id: string, staffId: string, from: string, to: string, extra: Partial<LeaveRecordMessage> = {}): LeaveRecordMessage => ({
  id,
  staffId,
  kind: 'leave',
  from: `2026-11-25T${from}:00+08:00`,
  to: `2026-11-25T${to}:00+08:00`,
  reason: '病假',
  status: 'approved',
  version: 2,
  submittedBy: 'manager-h1',
  submittedAt: '2026-11-25T01:00:00.000Z',
  approvedBy: 'jianchaju',
  approvedAt: '2026-11-25T01:05:00.000Z',
  versions: [
    { version: 1, status: 'pending', action: 'submitted', by: 'manager-h1', at: '2026-11-25T01:00:00.000Z' },
    { version: 2, status: 'approved', action: 'approve', by: 'jianchaju', at: '2026-11-25T01:05:00.000Z', reason: '属实' },
  ],
  ...extra,
});

/** The same leave revoked by the supervisor (version 3). */
const revoked = (l: LeaveRecordMessage): LeaveRecordMessage => ({
  ...l,
  status: 'revoked',
  version: 3,
  versions: [
    ...l.versions,
    { version: 3, status: 'revoked', action: 'revoke', by: 'jianchaju', at: '2026-11-25T06:00:00.000Z', reason: '未请假' },
  ],
});

/** inference_leaves in memory, with the real repository's queries (only approved leaves count). */
class MemoryLeaves {
  readonly docs = new Map<string, LeaveRecord>();
  async save(l: LeaveRecordMessage) {
    const { id, from, to, versions: _v, ...rest } = l;
    const stored = this.docs.get(id);
    if (!stored || (stored.version ?? 0) < l.version) this.docs.set(id, { _id: id, ...rest, from: new Date(from), to: new Date(to) });
    return this.docs.get(id)!;
  }
  async replacedBy(staffId: string, from: Date, to: Date) {
    return this.approved()
      .filter((l) => l.replacementStaffId === staffId && l.from < to && l.to > from)
      .map((l) => l.staffId);
  }
  async covering(at: number) {
    return this.approved()
      .filter((l) => l.from.getTime() <= at && l.to.getTime() > at)
      .sort((a, b) => a._id.localeCompare(b._id));
  }
  private approved() {
    return [...this.docs.values()].filter((l) => l.status === 'approved');
  }
}

/** incidents in memory, with the real repository's excusable and excuse (once per incident). */
class MemoryIncidents {
  readonly docs = new Map<string, IncidentRecord>();
  add(id: string, kind: IncidentRecord['kind'], windowId: string, hhmm: string, hallId = 'h1') {
    this.docs.set(id, { _id: id, kind, hallId, windowId, openedAt: new Date(local(hhmm)) });
  }
  async excusedBy(leaveId: string) {
    return [...this.docs.values()].filter((d) => d.leaveId === leaveId);
  }
  async unexcuse(id: string, leaveId: string, entry: AuditEntry) {
    const stored = this.docs.get(id);
    if (!stored || stored.leaveId !== leaveId) return null;
    delete stored.leaveId;
    stored.audit = [...(stored.audit ?? []), { ...entry, at: new Date(entry.at) }];
    return stored;
  }
  async excusable(windowIds: string[], from: Date, to: Date) {
    return [...this.docs.values()].filter(
      (d) =>
        ['absence', 'late-opening'].includes(d.kind) &&
        windowIds.includes(d.windowId!) &&
        d.openedAt >= from &&
        d.openedAt < to &&
        !d.leaveId,
    );
  }
  async excuse(id: string, leaveId: string, entry: AuditEntry) {
    const stored = this.docs.get(id);
    if (!stored || stored.leaveId) return stored?.leaveId === leaveId ? stored : null;
    stored.leaveId = leaveId;
    stored.audit = [...(stored.audit ?? []), { ...entry, at: new Date(entry.at) }];
    return stored;
  }
}

function setup() {
  const leaves = new MemoryLeaves();
  const incidents = new MemoryIncidents();
  const published: IncidentExcusedMessage[] = [];
  const unexcused: IncidentUnexcusedMessage[] = [];
  const nats = {
    publishIncidentExcused: async (m: IncidentExcusedMessage) => void published.push(m),
    publishIncidentUnexcused: async (m: IncidentUnexcusedMessage) => void unexcused.push(m),
  };
  const excuses = new LeaveExcuses(
    new SiteHalls({ site, env: { instance: 'test' } } as unknown as ServiceContext),
    leaves as unknown as LeaveRepository,
    incidents as unknown as IncidentRepository,
    nats as unknown as NatsRepository,
  );
  return { leaves, incidents, published, unexcused, excuses };
}

const incident = (kind: Incident['kind'], windowId: string | undefined, hhmm: string): Incident => ({
  id: `${kind}:${windowId}:${hhmm}`,
  kind,
  hallId: 'h1',
  windowId,
  openedAt: local(hhmm),
  detectedAt: local(hhmm),
  evidence: { thresholdAt: local(hhmm) },
});

describe('LeaveExcuses (repositories in memory)', () => {
  it('excuses an absence at open while its rostered staff is on leave, [from, to), naming the leave in the audit entry', async () => {
    const { leaves, excuses } = setup();
    await leaves.save(leave('L1', 'S001', '10:00', '12:00'));
    const during = await excuses.dutyAt(incident('absence', 'W01', '10:00'));
    expect(during).toEqual({
      staff: '张三 (S001)',
      leaveId: 'L1',
      excused: {
        by: 'jianchaju',
        at: expect.any(String),
        action: 'excused',
        reason:
          'leave L1: leave of S001 from 2026-11-25T02:00:00.000Z to 2026-11-25T04:00:00.000Z, submitted by manager-h1, approved by jianchaju: 病假',
      },
    });
    // The leave's end is not covered; another window's staff is not on leave; a camera outage is never excused.
    expect(await excuses.dutyAt(incident('absence', 'W01', '12:00'))).toEqual({ staff: '张三 (S001)' });
    expect(await excuses.dutyAt(incident('absence', 'W02', '10:30'))).toEqual({ staff: 'S002' });
    expect((await excuses.dutyAt(incident('camera-offline', 'W01', '10:30'))).leaveId).toBeUndefined();
  });

  it('does not excuse the seat when the leave names a replacement: the replacement is on duty', async () => {
    const { leaves, excuses } = setup();
    await leaves.save(leave('L1', 'S001', '10:00', '12:00', { replacementStaffId: 'S009' }));
    expect(await excuses.dutyAt(incident('absence', 'W01', '10:30'))).toEqual({ staff: 'S009' });
  });

  it('excuses the stored incidents a leave registered after the fact covers, and publishes each once excused', async () => {
    const { incidents, published, excuses } = setup();
    incidents.add('a1', 'absence', 'W01', '10:30');
    incidents.add('a2', 'absence', 'W01', '12:30'); // after the leave
    incidents.add('a3', 'absence', 'W02', '10:30'); // another staff member's window
    incidents.add('l1', 'late-opening', 'W01', '11:00');
    await excuses.register(leave('L1', 'S001', '10:00', '12:00'));
    expect(published.map((m) => [m.id, m.leaveId]).sort()).toEqual([
      ['a1', 'L1'],
      ['l1', 'L1'],
    ]);
    expect([...incidents.docs.values()].map((d) => [d._id, d.leaveId ?? null, d.audit?.length ?? 0])).toEqual([
      ['a1', 'L1', 1],
      ['a2', null, 0],
      ['a3', null, 0],
      ['l1', 'L1', 1],
    ]);
    expect(published[0].excusedAt).toBe(incidents.docs.get(published[0].id)!.audit![0].at.toISOString());
  });

  it('excuses a seat when the replacement named by a leave registers a leave of their own after the fact', async () => {
    const { leaves, incidents, published, excuses } = setup();
    incidents.add('a1', 'absence', 'W01', '10:30');
    incidents.add('a2', 'absence', 'W01', '10:05'); // before the replacement's leave
    await leaves.save(leave('L1', 'S001', '10:00', '12:00', { replacementStaffId: 'S009' }));
    await excuses.register(leave('L2', 'S009', '10:15', '12:00'));
    expect(published.map((m) => [m.id, m.leaveId])).toEqual([['a1', 'L2']]);
    expect(incidents.docs.get('a2')!.leaveId).toBeUndefined();
  });

  it('publishes an excused incident again when asked again (a failed publication is retried), without a second audit entry', async () => {
    const { incidents, published, excuses } = setup();
    incidents.add('a1', 'absence', 'W01', '10:30');
    await excuses.register(leave('L1', 'S001', '10:00', '12:00'));
    // Redelivered leave: the incident is excused already, so it is no candidate any more.
    await excuses.register(leave('L1', 'S001', '10:00', '12:00'));
    expect(published.map((m) => m.id)).toEqual(['a1']);
    // Called again after the incident is stored: published again (deduplicated downstream by id).
    await excuses.excuse({ id: 'a1', kind: 'absence', hallId: 'h1', windowId: 'W01', openedAt: local('10:30') });
    expect(published.map((m) => [m.id, m.leaveId])).toEqual([
      ['a1', 'L1'],
      ['a1', 'L1'],
    ]);
    expect(incidents.docs.get('a1')!.audit).toHaveLength(1);
  });

  it('leaves an incident excused by another leave as it is, and one no leave covers unexcused', async () => {
    const { leaves, incidents, published, excuses } = setup();
    incidents.add('a1', 'absence', 'W01', '10:30');
    incidents.docs.get('a1')!.leaveId = 'L0';
    incidents.add('a2', 'absence', 'W01', '15:00');
    await leaves.save(leave('L1', 'S001', '10:00', '12:00'));
    await excuses.excuse({ id: 'a1', kind: 'absence', hallId: 'h1', windowId: 'W01', openedAt: local('10:30') });
    await excuses.excuse({ id: 'a2', kind: 'absence', hallId: 'h1', windowId: 'W01', openedAt: local('15:00') });
    expect(published).toEqual([]);
    expect([incidents.docs.get('a1')!.leaveId, incidents.docs.get('a2')!.leaveId]).toEqual(['L0', undefined]);
  });

  it('excuses nothing while a leave is pending or rejected', async () => {
    const { leaves, incidents, published, excuses } = setup();
    incidents.add('a1', 'absence', 'W01', '10:30');
    const pending = leave('L1', 'S001', '10:00', '12:00', { status: 'pending', version: 1, approvedBy: undefined, approvedAt: undefined });
    await excuses.register(pending);
    expect(await excuses.dutyAt(incident('absence', 'W01', '10:30'))).toEqual({ staff: '张三 (S001)' });
    await excuses.register({ ...pending, status: 'rejected', version: 2 });
    expect(published).toEqual([]);
    expect(incidents.docs.get('a1')!.leaveId).toBeUndefined();
    expect(leaves.docs.get('L1')!.status).toBe('rejected');
  });

  it('un-excuses what a revoked leave excused, with an audit entry naming who revoked it; a late older version changes nothing', async () => {
    const { incidents, published, unexcused, excuses } = setup();
    incidents.add('a1', 'absence', 'W01', '10:30');
    incidents.add('a2', 'absence', 'W01', '11:30');
    const l1 = leave('L1', 'S001', '10:00', '12:00');
    await excuses.register(l1);
    expect(published.map((m) => m.id).sort()).toEqual(['a1', 'a2']);
    await excuses.register(revoked(l1));
    expect(unexcused.map((m) => [m.id, m.revokedLeaveId, m.leaveId]).sort()).toEqual([
      ['a1', 'L1', undefined],
      ['a2', 'L1', undefined],
    ]);
    const trail = incidents.docs.get('a1')!.audit!;
    expect(trail.map((a) => [a.by, a.action])).toEqual([
      ['jianchaju', 'excused'],
      ['jianchaju', 'unexcused'],
    ]);
    expect(trail[1].reason).toBe('leave L1 revoked by jianchaju: 未请假');
    expect(unexcused[0].unexcusedAt).toBe(incidents.docs.get(unexcused[0].id)!.audit![1].at.toISOString());
    // The approved version redelivered after the revocation: nothing is excused again.
    await excuses.register(l1);
    expect([incidents.docs.get('a1')!.leaveId, incidents.docs.get('a2')!.leaveId]).toEqual([undefined, undefined]);
    expect(published).toHaveLength(2);
  });

  it('excuses again by another approved leave once the first is revoked', async () => {
    const { incidents, excuses } = setup();
    incidents.add('a1', 'absence', 'W01', '10:30');
    const l1 = leave('L1', 'S001', '10:00', '12:00');
    await excuses.register(l1);
    await excuses.register(leave('L2', 'S001', '10:00', '11:00'));
    expect(incidents.docs.get('a1')!.leaveId).toBe('L1');
    await excuses.register(revoked(l1));
    expect(incidents.docs.get('a1')!.leaveId).toBe('L2');
    expect(incidents.docs.get('a1')!.audit!.map((a) => a.action)).toEqual(['excused', 'unexcused', 'excused']);
  });

  it('excuses only in the halls of the leave’s submitter, though its staff is rostered in another hall too', async () => {
    const { incidents, published, excuses } = setup();
    incidents.add('a1', 'absence', 'W01', '10:30');
    incidents.add('b1', 'absence', 'W21', '10:30', 'h2');
    await excuses.register(leave('L1', 'S001', '10:00', '12:00', { halls: ['h1'] }));
    expect(published.map((m) => m.id)).toEqual(['a1']);
    expect(incidents.docs.get('b1')!.leaveId).toBeUndefined();
    expect((await excuses.dutyAt({ ...incident('absence', 'W21', '10:40'), hallId: 'h2' })).leaveId).toBeUndefined();
    // The bureau's leave (no halls) excuses in every hall.
    await excuses.register(leave('L2', 'S001', '10:00', '12:00'));
    expect(incidents.docs.get('b1')!.leaveId).toBe('L2');
  });
});
