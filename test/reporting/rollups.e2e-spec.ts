import 'reflect-metadata';
import mongoose, { Connection } from 'mongoose';
import { parseSite, readEnv } from '@hallwatch/config';
import type { CaseMessage, IncidentMessage, PresenceMessage } from '@hallwatch/contracts';
import { openIntervals, totalDuration } from '@hallwatch/domain';
import { NatsAdapter, ServiceMetrics } from '@hallwatch/runtime';
import { addDays, dayRange, localDate, totalFigures } from '@hallwatch/stats';
import { CardsRepository } from '../../apps/reporting/src/repositories/cards.repository';
import { CasesRepository } from '../../apps/reporting/src/repositories/cases.repository';
import { ComplaintsRepository } from '../../apps/reporting/src/repositories/complaints.repository';
import { IncidentsRepository } from '../../apps/reporting/src/repositories/incidents.repository';
import { JetStreamRepository } from '../../apps/reporting/src/repositories/jetstream.repository';
import { AwayRepository } from '../../apps/reporting/src/repositories/away.repository';
import { LeavesRepository } from '../../apps/reporting/src/repositories/leaves.repository';
import { PresenceRepository } from '../../apps/reporting/src/repositories/presence.repository';
import { QueueRepository } from '../../apps/reporting/src/repositories/queue.repository';
import { RectificationsRepository } from '../../apps/reporting/src/repositories/rectifications.repository';
import { RectificationPhotosRepository } from '../../apps/reporting/src/repositories/rectification-photos.repository';
import { WindowRollupsRepository } from '../../apps/reporting/src/repositories/window-rollups.repository';
import { WriteLockRepository } from '../../apps/reporting/src/repositories/write-lock.repository';
import { CardsService } from '../../apps/reporting/src/services/cards.service';
import { CasesService } from '../../apps/reporting/src/services/cases.service';
import { IncidentsService } from '../../apps/reporting/src/services/incidents.service';
import { RectificationsService } from '../../apps/reporting/src/services/rectifications.service';
import { RollupService } from '../../apps/reporting/src/services/rollup.service';
import { SiteWindows } from '../../apps/reporting/src/services/site-windows';
import { StatsService } from '../../apps/reporting/src/services/stats.service';
import { testDatabaseUri, testNats } from '../support/e2e';

const SITE = parseSite(`
timezone: Asia/Shanghai
halls:
  - { id: H1, name: City hall, kind: hall }
  - { id: H2, name: Township, kind: township }
cameras:
  - { id: cam1, hall: H1, rtsp: "rtsp://127.0.0.1:9/none" }
  - { id: cam2, hall: H2, rtsp: "rtsp://127.0.0.1:9/none" }
windows:
  - { id: W1, hall: H1, name: One, department: tax, camera: cam1, zone: [[0,0],[1,0],[1,1]] }
  - { id: W2, hall: H1, name: Two, department: tax, camera: cam1, zone: [[0,0],[1,0],[1,1]] }
  - { id: W3, hall: H2, name: Three, department: police, camera: cam2, zone: [[0,0],[1,0],[1,1]] }
schedules:
  default: { weekdays: [mon, tue, wed, thu, fri], open: ["09:00-12:00", "13:00-17:00"] }
`);
const on = (date: string, hhmm: string) => `${date}T${hhmm}:00+08:00`;

function kase(caseId: string, windowId: string, date = '2024-03-04', staffId = 'S1'): CaseMessage {
  return {
    caseId,
    windowId,
    staffId,
    serviceItem: 'licence',
    takenAt: on(date, '09:05'),
    calledAt: on(date, '09:10'),
    startedAt: on(date, '09:10'),
    finishedAt: on(date, '09:20'),
    deadline: on(date, '10:00'),
    status: 'completed',
  };
}

/** Reporting's repositories on one connection, as its module makes them. */
function repositoriesOn(connection: Connection) {
  return {
    cases: new CasesRepository(connection),
    presence: new PresenceRepository(connection),
    queue: new QueueRepository(connection),
    windowRollups: new WindowRollupsRepository(connection),
    incidents: new IncidentsRepository(connection),
    complaints: new ComplaintsRepository(connection),
    leaves: new LeavesRepository(connection),
    away: new AwayRepository(connection),
    cards: new CardsRepository(connection),
    rectifications: new RectificationsRepository(connection),
    photos: new RectificationPhotosRepository(connection),
  };
}

/**
 * Reporting's rollups and incident copy on the real FerretDB, with two service instances on
 * separate connections writing at once (what two reporting processes and the CLI import do).
 */
describe('reporting rollups and incidents (FerretDB, several writers)', () => {
  const connections: Connection[] = [];
  let repos: ReturnType<typeof repositoriesOn>[];
  let rollups: RollupService[];
  let locks: WriteLockRepository[];
  let cards: CardsService[];
  let rectifications: RectificationsService[];
  let jetstreams: JetStreamRepository[];
  let adapters: NatsAdapter[];
  let site: SiteWindows;
  const uri = testDatabaseUri('reporting_rollups');

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) connections.push(await mongoose.createConnection(uri).asPromise());
    repos = connections.map(repositoriesOn);
    const ctx = { env: readEnv({}), site: SITE, natsUrl: process.env.HALLWATCH_TEST_NATS_URL!, mongodbUri: uri };
    site = new SiteWindows(ctx);
    // One adapter per simulated reporting process: each holds its own connection.
    adapters = repos.map((_, i) => testNats(`e2e-rollups-${i}`));
    locks = adapters.map((nats) => new WriteLockRepository(ctx, nats));
    rollups = repos.map((r, i) => new RollupService(site, r.cases, r.presence, r.queue, r.windowRollups, r.leaves, locks[i], r.away));
    jetstreams = connections.map((c, i) => new JetStreamRepository(adapters[i], c, new ServiceMetrics('reporting')));
    cards = repos.map((r, i) => new CardsService(site, r.cases, r.cards, jetstreams[i], locks[i]));
    rectifications = repos.map(
      (r, i) => new RectificationsService(site, r.rectifications, r.photos, r.incidents, r.complaints, r.cards, r.cases, jetstreams[i]),
    );
  });

  afterAll(async () => {
    await Promise.all(jetstreams.map((j) => j.onModuleDestroy()));
    await Promise.all(locks.map((l) => l.onApplicationShutdown()));
    await Promise.all(adapters.map((n) => n.close()));
    await Promise.all(connections.map((c) => c.close()));
  });

  /** In which window-days of the month each case is counted, from the stored rollups. */
  async function countedIn(month: string): Promise<Map<string, string[]>> {
    const where = new Map<string, string[]>();
    for (const doc of await repos[0].windowRollups.monthDaysOf([month]))
      for (const [date, day] of Object.entries(doc.days))
        for (const caseId of Object.keys(day.cases)) where.set(caseId, [...(where.get(caseId) ?? []), `${doc.windowId}|${date}`]);
    return where;
  }

  it('counts every case once when two writers post the same caseIds to different windows at once', async () => {
    const ids = Array.from({ length: 24 }, (_, i) => `race-${i}`);
    const windows = ['W1', 'W2', 'W3'];
    // Each writer posts every caseId, to a window and day of its own; then both again, swapped.
    const batch = (shift: number) => ids.map((id, i) => kase(id, windows[(i + shift) % 3], `2024-03-0${4 + ((i + shift) % 2)}`));
    await Promise.all([rollups[0].recordCases(batch(0)), rollups[1].recordCases(batch(1)), rollups[1].recordCases(batch(2))]);
    await Promise.all([rollups[0].recordCases(batch(1)), rollups[1].recordCases(batch(0))]);
    const where = await countedIn('2024-03');
    for (const id of ids) {
      const stored = await repos[0].cases.storedCase(id);
      expect({ id, days: where.get(id) }).toEqual({ id, days: [stored!.day] });
    }
    const totals = await repos[0].windowRollups.monthTotals(['2024-03']);
    expect(totals.reduce((sum, t) => sum + totalFigures(t.figures).cases, 0)).toBe(ids.length);
  });

  it('loses no presence change when two writers record one window at once', async () => {
    const states = ['staffed', 'absent', 'staffed', 'closed', 'staffed', 'unknown'] as const;
    const changes: PresenceMessage[] = ['2024-04-01', '2024-04-02', '2024-04-03'].flatMap((date) =>
      states.map((state, i) => ({
        windowId: 'W2',
        hallId: 'H1',
        state,
        since: on(date, `${9 + i}:00`.padStart(5, '0')),
        at: on(date, `${9 + i}:00`.padStart(5, '0')),
      })),
    );
    // Split between the writers, interleaved and out of order, the first one also redelivered.
    await Promise.all(changes.map((m, i) => rollups[i % 2].recordPresence(m)).concat(rollups[1].recordPresence(changes[0])));
    const doc = (await repos[0].windowRollups.monthDaysOf(['2024-04'])).find((d) => d.windowId === 'W2')!;
    for (const date of ['2024-04-01', '2024-04-02', '2024-04-03']) {
      expect((await repos[0].presence.presenceDay('W2', date)).length).toBe(6);
      // The stored rollup equals a fresh computation from every change.
      expect(doc.days[date].figures).toEqual(await rollups[0].dayFigures('W2', date, []));
      // 09-10 staffed, 10-11 absent, 11-12 staffed, lunch, 13-14 staffed, 14-17 unknown.
      expect(totalFigures(doc.days[date].figures)).toMatchObject({
        scheduledMs: 420 * 60_000,
        staffedMs: 180 * 60_000,
        absenceMs: 60 * 60_000,
        unknownMs: 180 * 60_000,
      });
    }
  });

  it('never moves a case out of a hall the writer is not allowed in', async () => {
    const cases = new CasesService(site, rollups[0], cards[0], rectifications[0]);
    expect((await cases.importBatch([kase('scoped-1', 'W1')])).accepted).toBe(1);
    // A manager of H2 posts the same caseId on W3: refused, W1 keeps it.
    const answer = await cases.importBatch([kase('scoped-1', 'W3'), kase('scoped-2', 'W3'), kase('scoped-3', 'W1')], 0, ['H2']);
    expect(answer.results).toEqual([
      { row: 0, caseId: 'scoped-1', accepted: false, reason: 'case "scoped-1" is stored on window "W1", outside your halls' },
      { row: 1, caseId: 'scoped-2', accepted: true },
      { row: 2, caseId: 'scoped-3', accepted: false, reason: 'window "W1" is outside your halls' },
    ]);
    expect((await repos[0].cases.storedCase('scoped-1'))!.day).toBe('W1|2024-03-04');
    expect((await countedIn('2024-03')).get('scoped-1')).toEqual(['W1|2024-03-04']);
  });

  it('answers a caseId repeated in one batch per row, and refuses ids such as __proto__ without polluting anything', async () => {
    const cases = new CasesService(site, rollups[1], cards[1], rectifications[1]);
    const answer = await cases.importBatch([
      kase('twice', 'W2'),
      kase('twice', 'W1'),
      kase('__proto__', 'W2', '2024-05-06', '__proto__'),
      kase('constructor', 'W2', '2024-05-06'),
      kase('may-1', 'W2', '2024-05-06'),
    ]);
    expect(answer).toMatchObject({ accepted: 2, rejected: 3 });
    expect(answer.results[1]).toEqual({
      row: 1,
      caseId: 'twice',
      accepted: false,
      reason: 'caseId "twice" appears more than once in this batch (first in row 0)',
    });
    expect(answer.results[2].reason).toMatch(/caseId.*reserved name such as __proto__/);
    expect(answer.results[3].reason).toMatch(/caseId.*reserved name such as __proto__/);
    expect((await countedIn('2024-03')).get('twice')).toEqual(['W2|2024-03-04']);
    const may = (await repos[0].windowRollups.monthDaysOf(['2024-05'])).find((d) => d.windowId === 'W2')!;
    expect(Object.keys(may.days['2024-05-06'].cases)).toEqual(['may-1']);
    expect(({} as Record<string, unknown>).cases).toBeUndefined();
  });

  it('derives incident status from events in any order: a late open never reopens, the latest review wins', async () => {
    const incidents = repos.map((r, i) => new IncidentsService(r.incidents, locks[i]));
    const opened: IncidentMessage = {
      id: 'absence:W1:1',
      kind: 'absence',
      hallId: 'H1',
      windowId: 'W1',
      openedAt: on('2024-06-03', '10:00'),
    };
    const closed: IncidentMessage = { ...opened, closedAt: on('2024-06-03', '10:30'), durationMs: 1_800_000 };
    const review = (decision: 'confirmed' | 'dismissed', hhmm: string) => ({
      ...closed,
      review: decision,
      reviewedAt: on('2024-06-04', hhmm),
    });
    // Closed first, then the review, a redelivered open, an older review and the close again.
    await incidents[0].record(closed);
    await Promise.all([incidents[1].reviewed(review('confirmed', '11:00')), incidents[0].record(opened)]);
    await incidents[1].reviewed(review('dismissed', '10:00'));
    await incidents[0].record(closed);
    await incidents[1].record(opened);
    // A review that arrives before its incident's events.
    await incidents[0].reviewed({ ...review('dismissed', '12:00'), id: 'absence:W2:1', windowId: 'W2' });
    await incidents[1].record({ ...opened, id: 'absence:W2:1', windowId: 'W2' });
    const list = await repos[0].incidents.incidentsOpenedBetween(
      Date.parse(on('2024-06-03', '00:00')),
      Date.parse(on('2024-06-04', '00:00')),
    );
    expect(list.sort((a, b) => (a.id < b.id ? -1 : 1))).toEqual([
      {
        id: 'absence:W1:1',
        kind: 'absence',
        hallId: 'H1',
        windowId: 'W1',
        staff: undefined,
        openedAt: Date.parse(opened.openedAt),
        closedAt: Date.parse(closed.closedAt!),
        review: 'confirmed',
      },
      {
        id: 'absence:W2:1',
        kind: 'absence',
        hallId: 'H1',
        windowId: 'W2',
        staff: undefined,
        openedAt: Date.parse(opened.openedAt),
        closedAt: Date.parse(closed.closedAt!),
        review: 'dismissed',
      },
    ]);
    expect(await connections[0].db!.collection('incidents').countDocuments()).toBe(0);
  });

  it('counts a period that reaches into the future only up to the present', async () => {
    const stats = new StatsService(
      repos[0].windowRollups,
      repos[0].incidents,
      repos[0].complaints,
      repos[0].cards,
      repos[0].rectifications,
      repos[0].cases,
      site,
      rollups[0],
    );
    const tz = 'Asia/Shanghai';
    const today = localDate(tz, Date.now());
    // W3 reports staffed from yesterday 09:00 on (inference would also report every boundary).
    await rollups[0].recordPresence({
      windowId: 'W3',
      hallId: 'H2',
      state: 'staffed',
      since: new Date(dayRange(tz, addDays(today, -1)).start + 9 * 3_600_000).toISOString(),
      at: new Date().toISOString(),
    });
    const before = Date.now();
    const table = await stats.attendance({ from: addDays(today, -1), to: addDays(today, 7), groupBy: 'window' });
    const after = Date.now();
    const schedule = { weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'], open: ['09:00-12:00', '13:00-17:00'] };
    const scheduledUntil = (end: number) =>
      totalDuration(openIntervals(schedule as never, tz, dayRange(tz, addDays(today, -1)).start, end)) / 3_600_000;
    const w3 = table.rows.find((r) => r.window === 'W3')!;
    // Scheduled time ends at the present: never the week ahead.
    expect(w3.scheduledHours as number).toBeGreaterThanOrEqual(Math.round(scheduledUntil(before) * 1000) / 1000 - 0.001);
    expect(w3.scheduledHours as number).toBeLessThanOrEqual(Math.round(scheduledUntil(after) * 1000) / 1000 + 0.001);
    expect(w3.absentPeriods).toBe(0);
    expect((w3.staffedHours as number) + (w3.unknownHours as number)).toBeCloseTo(w3.scheduledHours as number, 2);
  });
});
