/**
 * npm run bench:report — one year for 200 windows in 20 halls (250 workdays, about 40 presence
 * changes per window per day, about 2 million cases) written into the database (embedded FerretDB
 * in a fresh temporary folder unless MONGODB_URI is set), then the annual attendance, throughput
 * and evaluation reports for all windows, timed. Options: --windows N (default 200), --days N
 * (default 250), --data DIR (the embedded FerretDB keeps the generated year in DIR, and later runs
 * with the same --windows and --days time it again without writing it anew).
 *
 * Raw cases and presence are bulk-inserted; the window-day rollups are computed with the same
 * windowPeriodFigures the reporting service maintains them with on every write.
 */
import 'reflect-metadata';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NestFactory } from '@nestjs/core';
import { parseSite, readEnv } from '@hallwatch/config';
import { openIntervals, StateChange } from '@hallwatch/domain';
import { ensureFerretDb, HallwatchLogger } from '@hallwatch/runtime';
import { addStaffFigures, CaseFacts, dayRange, localDate, StaffFigures, windowPeriodFigures } from '@hallwatch/stats';
import { ReportingModule } from '../apps/reporting/src/reporting.module';
import { CasesRepository } from '../apps/reporting/src/repositories/cases.repository';
import { ComplaintsRepository } from '../apps/reporting/src/repositories/complaints.repository';
import { PresenceRepository } from '../apps/reporting/src/repositories/presence.repository';
import { MonthDays, WindowRollupsRepository } from '../apps/reporting/src/repositories/window-rollups.repository';
import { StatsService } from '../apps/reporting/src/services/stats.service';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const WINDOWS = arg('windows', 200);
const DAYS = arg('days', 250);
const KEEP = process.argv.includes('--data') ? process.argv[process.argv.indexOf('--data') + 1] : undefined;
const HALLS = 20;
const YEAR = 2023;
const MIN = 60_000;
/** Rows per insertMany, as the case import writes them (RollupService CHUNK). */
const BATCH = 10_000;

/** Deterministic pseudo-random numbers (mulberry32), so every run generates the same year. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function siteYaml(): string {
  const halls = Array.from({ length: HALLS }, (_, h) => `  - { id: H${h}, name: Hall ${h}, kind: ${h % 5 === 4 ? 'township' : 'hall'} }`);
  const cameras = Array.from({ length: HALLS }, (_, h) => `  - { id: cam${h}, hall: H${h}, rtsp: "rtsp://127.0.0.1:9/h${h}" }`);
  const windows = Array.from(
    { length: WINDOWS },
    (_, w) =>
      `  - { id: W${w}, hall: H${w % HALLS}, name: Window ${w}, department: D${w % 7}, camera: cam${w % HALLS}, zone: [[0,0],[1,0],[1,1]] }`,
  );
  return `timezone: Asia/Shanghai
halls:
${halls.join('\n')}
cameras:
${cameras.join('\n')}
windows:
${windows.join('\n')}
schedules:
  default: { weekdays: [mon, tue, wed, thu, fri], open: ["09:00-12:00", "13:00-17:00"] }
`;
}

/** The workdays of the year (Monday to Friday), the first DAYS of them. */
function workdays(): string[] {
  const out: string[] = [];
  for (let d = new Date(Date.UTC(YEAR, 0, 1)); out.length < DAYS && d.getUTCFullYear() === YEAR; d.setUTCDate(d.getUTCDate() + 1)) {
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

function progress(what: string, done: number, total: number, started: number): void {
  const s = ((Date.now() - started) / 1000).toFixed(0);
  process.stderr.write(`\r${what}: ${done}/${total} (${Math.round((done / total) * 100)}%, ${s} s)   `);
  if (done === total) process.stderr.write('\n');
}

/** One window-day: ~40 state changes (staffed, short and long empty spells, camera dropouts) and ~40 cases, most rated. */
function generateDay(windowId: string, hallId: string, date: string, rnd: () => number, seq: { n: number }) {
  const range = dayRange('Asia/Shanghai', date);
  const open = range.start + 9 * 60 * MIN;
  const changes: StateChange[] = [{ windowId, hallId, state: 'closed', since: range.start + 8 * 60 * MIN, at: range.start + 8 * 60 * MIN }];
  let t = open;
  for (let i = 0; i < 38 && t < range.start + 17 * 60 * MIN; i++) {
    const state = i % 2 === 0 ? 'staffed' : rnd() < 0.1 ? 'unknown' : 'absent';
    changes.push({ windowId, hallId, state, since: t, at: t + MIN });
    t += (state === 'staffed' ? 10 + rnd() * 30 : 1 + rnd() * 14) * MIN;
  }
  changes.push({ windowId, hallId, state: 'closed', since: range.start + 17 * 60 * MIN, at: range.start + 17 * 60 * MIN });
  const cases: CaseFacts[] = [];
  const count = 30 + Math.floor(rnd() * 21);
  for (let i = 0; i < count; i++) {
    const takenAt = open + Math.floor(rnd() * 470) * MIN;
    const calledAt = takenAt + Math.floor(rnd() * 40 * MIN);
    const startedAt = calledAt + Math.floor(rnd() * 2 * MIN);
    const finishedAt = startedAt + Math.floor((3 + rnd() * 25) * MIN);
    cases.push({
      caseId: `B${seq.n++}`,
      windowId,
      staffId: `S${windowId.slice(1)}-${i % 2}`,
      takenAt,
      calledAt,
      startedAt,
      finishedAt,
      deadline: takenAt + 60 * MIN,
      satisfaction: rnd() < 0.8 ? 1 + Math.floor(rnd() * 5) : undefined,
    });
  }
  return { changes, cases, range };
}

/** The repositories the generated year is written with. */
interface Repositories {
  cases: CasesRepository;
  presence: PresenceRepository;
  complaints: ComplaintsRepository;
  windowRollups: WindowRollupsRepository;
}

/** Writes the generated year: raw cases, presence and complaints, and the window rollups. */
async function storeYear(repos: Repositories, site: ReturnType<typeof parseSite>): Promise<void> {
  const dates = workdays();
  const schedule = site.schedules.default;
  const seq = { n: 0 };
  const started = Date.now();
  const pending = { cases: [] as Record<string, unknown>[], presence: [] as Record<string, unknown>[] };
  const flush = async (force: boolean) => {
    for (const kind of ['cases', 'presence'] as const) {
      while (pending[kind].length >= BATCH || (force && pending[kind].length > 0)) {
        await repos[kind].insertMany(pending[kind].splice(0, BATCH) as never);
      }
    }
  };
  for (let w = 0; w < WINDOWS; w++) {
    const windowId = `W${w}`;
    const hallId = `H${w % HALLS}`;
    const rnd = random(w + 1);
    const months = new Map<string, MonthDays>();
    for (const date of dates) {
      const { changes, cases, range } = generateDay(windowId, hallId, date, rnd, seq);
      const figures = windowPeriodFigures({
        range,
        scheduled: openIntervals(schedule, site.timezone, range.start, range.end),
        changes,
        cases,
        absenceAfterMs: site.rules.absenceAfter,
      });
      const month = date.slice(0, 7);
      const days = months.get(month) ?? {};
      days[date] = { figures, cases: Object.fromEntries(cases.map((c) => [c.caseId, c])) };
      months.set(month, days);
      pending.presence.push({
        _id: `${windowId}|${date}`,
        windowId,
        hallId,
        date,
        changes: changes.map(({ state, since, at }) => ({ state, since, at })),
      });
      for (const c of cases) {
        pending.cases.push({
          _id: c.caseId,
          windowId,
          staffId: c.staffId,
          serviceItem: 'bench',
          status: 'completed',
          day: `${windowId}|${localDate(site.timezone, c.takenAt)}`,
          takenAt: new Date(c.takenAt),
          calledAt: new Date(c.calledAt),
          startedAt: new Date(c.startedAt),
          finishedAt: new Date(c.finishedAt),
          deadline: new Date(c.deadline),
          satisfaction: c.satisfaction,
        });
      }
    }
    // A few complaints a year per window, every kind of verification.
    for (let k = 0; k < 6; k++) {
      const stored = await repos.complaints.saveComplaint(
        {
          id: `${windowId}-C${k}`,
          receivedAt: dayRange(site.timezone, dates[Math.floor(rnd() * dates.length)]).start + 10 * 60 * MIN,
          channel: 'hotline',
          windowId,
          hallId,
          staffId: `S${w}-${k % 2}`,
          category: 'bench',
          verified: ([true, false, 'pending'] as const)[k % 3],
        },
        { submittedBy: 'bench', submittedAt: new Date() },
        0,
      );
      if (!stored) throw new Error(`complaint ${windowId}-C${k} not stored`);
    }
    for (const [month, days] of months) {
      const total = Object.values(days).reduce<StaffFigures>((sum, d) => addStaffFigures(sum, d.figures), {});
      await repos.windowRollups.saveMonth(windowId, month, 0, days, total);
    }
    await flush(false);
    progress(`generating ${WINDOWS} windows × ${dates.length} workdays (${seq.n} cases so far)`, w + 1, WINDOWS, started);
  }
  await flush(true);
  process.stderr.write(
    `stored ${seq.n} cases and ${WINDOWS * dates.length} window-days of presence in ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
  );
}

async function main(): Promise<void> {
  const env = readEnv();
  const site = parseSite(siteYaml(), 'benchmark site');
  const dataDir = KEEP ?? fs.mkdtempSync(path.join(os.tmpdir(), 'hallwatch-bench-'));
  // Written once the whole year is stored: a run that was cut short writes it anew.
  const done = path.join(dataDir, `generated-${WINDOWS}x${DAYS}`);
  const stored = KEEP !== undefined && fs.existsSync(done);
  if (KEEP !== undefined && !stored) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.rmSync(path.join(dataDir, 'ferretdb'), { recursive: true, force: true });
  }
  const db = await ensureFerretDb(env.mongodbUri, dataDir, 0, 'hallwatch_bench');
  const app = await NestFactory.createApplicationContext(ReportingModule.inProcess({ env, site, natsUrl: '', mongodbUri: db.url }), {
    logger: new HallwatchLogger('bench', ['error', 'fatal']),
  });
  try {
    const repos: Repositories = {
      cases: app.get(CasesRepository),
      presence: app.get(PresenceRepository),
      complaints: app.get(ComplaintsRepository),
      windowRollups: app.get(WindowRollupsRepository),
    };
    const stats = app.get(StatsService);
    if (!stored) {
      await storeYear(repos, site);
      if (KEEP !== undefined) fs.writeFileSync(done, '');
    }

    const query = { from: `${YEAR}-01-01`, to: `${YEAR}-12-31`, groupBy: 'window' as const };
    let t = Date.now();
    const attendance = await stats.attendance(query);
    const attendanceMs = Date.now() - t;
    t = Date.now();
    const throughput = await stats.throughput(query);
    const throughputMs = Date.now() - t;
    t = Date.now();
    // CPU time of this process (not the database's) is less sensitive to other load than wall time.
    const cpu = process.cpuUsage();
    const evaluation = await stats.evaluation(query);
    const evaluationMs = Date.now() - t;
    const evaluationCpu = process.cpuUsage(cpu);
    const handled = throughput.rows.reduce((sum, r) => sum + Number(r.casesHandled), 0);
    process.stderr.write(
      `${attendance.rows.length} attendance rows, ${throughput.rows.length} throughput rows, ${evaluation.rows.length} evaluation rows, ${handled} cases handled\n`,
    );
    console.log(`annual attendance report: ${attendanceMs} ms; annual throughput report: ${throughputMs} ms`);
    console.log(`annual evaluation report: ${evaluationMs} ms`);
    console.log(`annual evaluation report CPU (reporting process): ${Math.round((evaluationCpu.user + evaluationCpu.system) / 1000)} ms`);
  } finally {
    await app.close();
    db.process?.kill('SIGTERM');
    if (KEEP === undefined) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`bench:report: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
