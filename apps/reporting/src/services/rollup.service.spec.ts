import { parseSite, readEnv } from '@hallwatch/config';
import type { CaseMessage, PresenceMessage, QueueEventMessage } from '@hallwatch/contracts';
import type { Leave, QueueEvent, StateChange } from '@hallwatch/domain';
import { caseFactsOf, caseUpdateOf, StaffFigures, totalFigures } from '@hallwatch/stats';
import type { CasesRepository, CaseWrite, StoredCase } from '../repositories/cases.repository';
import type { AwayRepository } from '../repositories/away.repository';
import type { LeavesRepository } from '../repositories/leaves.repository';
import type { PresenceRepository } from '../repositories/presence.repository';
import type { QueueRepository } from '../repositories/queue.repository';
import type { MonthDays, MonthRollup, WindowRollupsRepository } from '../repositories/window-rollups.repository';
import type { WriteLockRepository } from '../repositories/write-lock.repository';
import { RollupService } from './rollup.service';
import { SiteWindows } from './site-windows';

const SITE = parseSite(`
timezone: Asia/Shanghai
halls:
  - { id: H1, name: City hall, kind: hall }
cameras:
  - { id: cam1, hall: H1, rtsp: "rtsp://127.0.0.1:9/none" }
windows:
  - { id: W1, hall: H1, name: One, department: tax, camera: cam1, zone: [[0,0],[1,0],[1,1]] }
  - { id: W2, hall: H1, name: Two, department: tax, camera: cam1, zone: [[0,0],[1,0],[1,1]] }
schedules:
  default: { weekdays: [mon, tue, wed, thu, fri], open: ["09:00-12:00", "13:00-17:00"] }
rosters:
  - { window: W1, staff: "张三 (S1)", weekdays: [mon, tue, wed, thu, fri], from: "09:00", to: "17:00" }
`);
const at = (date: string, hhmm: string) => `${date}T${hhmm}:00+08:00`;
const kase = (caseId: string, windowId: string, date = '2024-03-04'): CaseMessage => ({
  caseId,
  windowId,
  serviceItem: 'x',
  status: 'completed',
  takenAt: at(date, '09:05'),
  calledAt: at(date, '09:10'),
  startedAt: at(date, '09:10'),
  finishedAt: at(date, '09:20'),
  deadline: at(date, '10:00'),
});

/** Reporting's repositories in memory, with the same contracts; `conflicts` makes that many month writes lose to "another writer". */
class MemoryRepository {
  /** No 暂离 declarations here (their figures: libs/stats). */
  async ofDays(): Promise<[]> {
    return [];
  }
  cases = new Map<string, StoredCase>();
  presence = new Map<string, StateChange[]>();
  queue = new Map<string, QueueEvent[]>();
  months = new Map<string, { version: number; days: string; total: StaffFigures }>();
  leaves: Leave[] = [];
  conflicts = 0;

  async leavesOf(staffIds: readonly string[], from: number, to: number): Promise<Leave[]> {
    return this.leaves.filter((l) => staffIds.includes(l.staffId) && l.from < to && l.to > from);
  }
  async replacedBy(staffId: string, from: number, to: number): Promise<string[]> {
    return this.leaves.filter((l) => l.replacementStaffId === staffId && l.from < to && l.to > from).map((l) => l.staffId);
  }

  async insertNewCases(cases: readonly StoredCase[]): Promise<Set<string>> {
    const existing = new Set<string>();
    for (const c of cases)
      if (this.cases.has(c.caseId)) existing.add(c.caseId);
      else this.cases.set(c.caseId, c);
    return existing;
  }
  async replaceCase(c: StoredCase): Promise<CaseWrite> {
    const before = this.cases.get(c.caseId)?.day;
    this.cases.set(c.caseId, c);
    return { stored: true, before, state: { current: c, updates: [caseUpdateOf(c)] } };
  }
  async storedCase(caseId: string) {
    const c = this.cases.get(caseId);
    return c && { day: c.day, facts: caseFactsOf(c, [caseUpdateOf(c)]) };
  }
  async presenceDay(windowId: string, date: string): Promise<StateChange[]> {
    return [...(this.presence.get(`${windowId}|${date}`) ?? [])].sort((a, b) => a.since - b.since);
  }
  async presenceDays(windowId: string, dates: readonly string[]): Promise<Map<string, StateChange[]>> {
    return new Map(await Promise.all(dates.map(async (d) => [d, await this.presenceDay(windowId, d)] as const)));
  }
  async addPresenceChange(change: StateChange, date: string): Promise<void> {
    const key = `${change.windowId}|${date}`;
    const list = (this.presence.get(key) ?? []).filter((c) => c.since !== change.since);
    this.presence.set(key, [...list, change]);
  }
  async queueDay(windowId: string, date: string): Promise<QueueEvent[]> {
    return [...(this.queue.get(`${windowId}|${date}`) ?? [])].sort((a, b) => a.at - b.at);
  }
  async queueDays(windowId: string, dates: readonly string[]): Promise<Map<string, QueueEvent[]>> {
    return new Map(await Promise.all(dates.map(async (d) => [d, await this.queueDay(windowId, d)] as const)));
  }
  async addQueueEvent(e: QueueEvent, date: string): Promise<void> {
    const key = `${e.windowId}|${date}`;
    const list = (this.queue.get(key) ?? []).filter((x) => x.at !== e.at || x.event !== e.event);
    this.queue.set(key, [...list, e]);
  }
  async monthRollup(windowId: string, month: string): Promise<MonthRollup> {
    const m = this.months.get(`${windowId}|${month}`);
    return { version: m?.version ?? 0, days: m ? (JSON.parse(m.days) as MonthDays) : {} };
  }
  async saveMonth(windowId: string, month: string, version: number, days: MonthDays, total: StaffFigures): Promise<boolean> {
    const key = `${windowId}|${month}`;
    if (this.conflicts > 0) {
      // Another writer got there first and moved case "moved" to W2 meanwhile.
      this.conflicts--;
      this.months.set(key, { version: version + 1, days: this.months.get(key)?.days ?? '{}', total: {} });
      const moved = this.cases.get('moved');
      if (moved) this.cases.set('moved', { ...moved, windowId: 'W2', day: 'W2|2024-03-04' });
      return false;
    }
    if ((this.months.get(key)?.version ?? 0) !== version) return false;
    this.months.set(key, { version: version + 1, days: JSON.stringify(days), total });
    return true;
  }
}

/** The write lock in memory: counts its holds, and refuses a write outside one (as after a lost lock). */
class MemoryLock {
  holds = 0;
  private depth = 0;
  async run<T>(work: () => Promise<T>): Promise<T> {
    this.holds++;
    this.depth++;
    try {
      return await work();
    } finally {
      this.depth--;
    }
  }
  check(): void {
    if (this.depth === 0) throw new Error('written outside the write lock');
  }
}

describe('RollupService (repositories in memory)', () => {
  let repo: MemoryRepository;
  let rollups: RollupService;
  let memoryLock: MemoryLock;
  let lock: WriteLockRepository;
  const counted = async (windowId: string) => Object.keys((await repo.monthRollup(windowId, '2024-03')).days['2024-03-04']?.cases ?? {});

  const site = new SiteWindows({ env: readEnv({}), site: SITE, natsUrl: '', mongodbUri: '' });
  /** The service over `memory`, which stands in for each of its repositories. */
  const rollupsOn = (memory: MemoryRepository) =>
    new RollupService(
      site,
      memory as unknown as CasesRepository,
      memory as unknown as PresenceRepository,
      memory as unknown as QueueRepository,
      memory as unknown as WindowRollupsRepository,
      memory as unknown as LeavesRepository,
      lock,
      memory as unknown as AwayRepository,
    );

  beforeEach(() => {
    memoryLock = new MemoryLock();
    lock = memoryLock as unknown as WriteLockRepository;
    repo = new MemoryRepository();
    rollups = rollupsOn(repo);
  });

  it('moves a corrected case out of the window-day it left', async () => {
    await rollups.recordCases([kase('c1', 'W1'), kase('c2', 'W1')]);
    await rollups.recordCases([kase('c1', 'W2')]);
    expect(await counted('W1')).toEqual(['c2']);
    expect(await counted('W2')).toEqual(['c1']);
    expect(totalFigures(repo.months.get('W1|2024-03')!.total).cases).toBe(1);
  });

  it('recomputes from the stored case when another writer wrote the month in between', async () => {
    repo.conflicts = 1;
    await rollups.recordCases([kase('moved', 'W1')]);
    // The retry reads the case as stored now (on W2): W1 must not count it.
    expect(await counted('W1')).toEqual([]);
  });

  it('gives the same figures whatever order presence changes arrive in', async () => {
    const changes: PresenceMessage[] = [
      ['staffed', '09:00'],
      ['absent', '10:00'],
      ['staffed', '10:30'],
      ['closed', '12:00'],
      ['staffed', '13:00'],
      ['closed', '17:00'],
    ].map(([state, hhmm]) => ({
      windowId: 'W1',
      hallId: 'H1',
      state: state as PresenceMessage['state'],
      since: at('2024-03-04', hhmm),
      at: at('2024-03-04', hhmm),
    }));
    for (const m of [...changes].reverse()) await rollups.recordPresence(m);
    await rollups.recordPresence(changes[1]); // redelivered
    const reversed = repo.months.get('W1|2024-03')!.total;
    repo = new MemoryRepository();
    rollups = rollupsOn(repo);
    for (const m of changes) await rollups.recordPresence(m);
    expect(reversed).toEqual(repo.months.get('W1|2024-03')!.total);
    // Monday: staffed 60 + 90 + 240 = 390 min, one absence of 30 min. (The following days, with
    // no reports after the 17:00 closing, are unknown.)
    const monday = (await repo.monthRollup('W1', '2024-03')).days['2024-03-04'].figures;
    expect(totalFigures(reversed).unknownMs).toBe(5 * 420 * 60_000);
    expect(totalFigures(monday)).toMatchObject({
      scheduledMs: 420 * 60_000,
      staffedMs: 390 * 60_000,
      absences: 1,
      absenceMs: 30 * 60_000,
      unknownMs: 0,
    });
  });

  it('counts a queue session against the seat whichever arrives first, and carries it into the next day', async () => {
    const presence = (state: PresenceMessage['state'], date: string, hhmm: string): PresenceMessage => ({
      windowId: 'W1',
      hallId: 'H1',
      state,
      since: at(date, hhmm),
      at: at(date, hhmm),
    });
    const queue = (event: QueueEventMessage['event'], date: string, hhmm: string): QueueEventMessage => ({
      windowId: 'W1',
      staffId: 'S7',
      event,
      at: at(date, hhmm),
    });
    await rollups.recordQueueEvent(queue('login', '2024-03-04', '08:50'));
    await rollups.recordQueueEvent(queue('pause', '2024-03-04', '11:00'));
    for (const [state, hhmm] of [
      ['staffed', '09:00'],
      ['absent', '10:00'],
      ['staffed', '10:30'],
      ['closed', '12:00'],
    ] as const)
      await rollups.recordPresence(presence(state, '2024-03-04', hhmm));
    // Tuesday: still paused from Monday (no logout) while staffed 09:00-09:45, then unknown.
    await rollups.recordPresence(presence('staffed', '2024-03-05', '09:00'));
    await rollups.recordPresence(presence('unknown', '2024-03-05', '09:45'));
    const day = async (date: string) => (await repo.monthRollup('W1', '2024-03')).days[date].figures.S7;
    // Monday: open while absent 10:00-10:30; paused while staffed 11:00-12:00.
    expect(await day('2024-03-04')).toMatchObject({ openWhileAbsentMs: 30 * 60_000, pausedWhileStaffedMs: 60 * 60_000 });
    expect(await day('2024-03-05')).toMatchObject({ openWhileAbsentMs: 0, pausedWhileStaffedMs: 45 * 60_000 });
  });

  it('splits a stored absence anew when a leave covering it arrives after the fact', async () => {
    // Monday 2024-03-04: absent 10:00-10:40 (40 min); a leave of S1 10:20-11:00 covers 20 of them.
    for (const [state, hhmm] of [
      ['staffed', '09:00'],
      ['absent', '10:00'],
      ['staffed', '10:40'],
      ['closed', '12:00'],
    ])
      await rollups.recordPresence({
        windowId: 'W1',
        hallId: 'H1',
        state: state as PresenceMessage['state'],
        since: at('2024-03-04', hhmm),
        at: at('2024-03-04', hhmm),
      });
    const monday = async () => totalFigures((await repo.monthRollup('W1', '2024-03')).days['2024-03-04'].figures);
    expect(await monday()).toMatchObject({ absences: 1, absenceMs: 40 * 60_000, excusedAbsences: 0, excusedAbsenceMs: 0 });
    const leave: Leave = {
      id: 'L1',
      staffId: 'S1',
      kind: 'leave',
      from: Date.parse(at('2024-03-04', '10:20')),
      to: Date.parse(at('2024-03-04', '11:00')),
    };
    repo.leaves.push(leave);
    await rollups.recordLeave(leave);
    // Began before the leave: not an excused absence, but 20 of its minutes are.
    expect(await monday()).toMatchObject({ absences: 1, absenceMs: 40 * 60_000, excusedAbsences: 0, excusedAbsenceMs: 20 * 60_000 });
    expect(totalFigures(repo.months.get('W1|2024-03')!.total).excusedAbsenceMs).toBe(20 * 60_000);
  });

  it('recomputes a long leave one window-month per hold of the write lock', async () => {
    // From mid-February to mid-April on W1 (the only window rostering S1): three months, three holds.
    const leave: Leave = {
      id: 'L2',
      staffId: 'S1',
      kind: 'leave',
      from: Date.parse(at('2024-02-15', '09:00')),
      to: Date.parse(at('2024-04-15', '17:00')),
    };
    repo.leaves.push(leave);
    await rollups.recordLeave(leave);
    expect(memoryLock.holds).toBe(3);
    expect([...repo.months.keys()].sort()).toEqual(['W1|2024-02', 'W1|2024-03', 'W1|2024-04']);
  });
});
