import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import mongoose from 'mongoose';
import { connect, NatsConnection } from 'nats';
import { CaseMessage, encodeMessage, ReportingRequests, StatsTable, Subjects } from '@hallwatch/contracts';
import { eventually, ROOT, RunningService, startService, testDatabaseUri, writeSiteFile } from '../support/e2e';
import { OwnedServer, tempDir } from '../support/faults';

const DAYS = ['2024-03-04', '2024-03-05', '2024-03-06', '2024-03-07', '2024-03-08']; // Mon-Fri
const WINDOWS = ['W1', 'W2', 'W3'];
const CASES = 240;
const at = (date: string, hhmm: string) => `${date}T${hhmm}:00+08:00`;

/** Case i: on window i % 3, a day of the week, distinct minutes; the same facts whichever route brings it. */
function kase(i: number): CaseMessage {
  const date = DAYS[i % DAYS.length];
  const m = (k: number) => `${String(13 + Math.floor((i % 40) / 10)).padStart(2, '0')}:${String((i % 10) * 5 + k).padStart(2, '0')}`;
  return {
    caseId: `Q${String(i).padStart(4, '0')}`,
    windowId: WINDOWS[i % 3],
    staffId: 'S1',
    serviceItem: '社保',
    takenAt: at(date, m(0)),
    calledAt: at(date, m(1)),
    startedAt: at(date, m(1)),
    finishedAt: at(date, m(3)),
    deadline: at(date, m(4)),
    status: 'completed',
  };
}

/**
 * Two reporting processes on one database share the JetStream consumers, while `hallwatch import
 * cases` writes the same database: presence (each change published twice) and cases (half of them
 * over NATS and in the CSV both) must each count once.
 */
describe('reporting scale-out: two instances and a CSV import at once', () => {
  const services: RunningService[] = [];
  let nc: NatsConnection;
  let env: Record<string, string>;
  let nats: OwnedServer;

  beforeAll(async () => {
    const site = writeSiteFile(`
timezone: Asia/Shanghai
halls:
  - { id: H1, name: City hall, kind: hall }
cameras:
  - { id: cam1, hall: H1, rtsp: "rtsp://127.0.0.1:9/none" }
windows:
${WINDOWS.map((w) => `  - { id: ${w}, hall: H1, name: ${w}, department: tax, camera: cam1, zone: [[0,0],[1,0],[1,1]] }`).join('\n')}
schedules:
  default: { weekdays: [mon, tue, wed, thu, fri], open: ["09:00-12:00", "13:00-17:00"] }
`);
    // A NATS of its own: the shared test server's streams hold other files' W1-W3 changes, which the
    // new consumers would replay into this database.
    nats = await OwnedServer.nats(tempDir('reporting-scale'));
    env = { HALLWATCH_SITE: site, MONGODB_URI: testDatabaseUri('reporting_scale'), NATS_URL: nats.url };
    services.push(...(await Promise.all(['r1', 'r2'].map((name) => startService('reporting', { ...env, HALLWATCH_INSTANCE: name })))));
    nc = await connect({ servers: nats.url });
  });

  afterAll(async () => {
    await nc?.drain();
    await Promise.all(services.map((s) => s.stop()));
    await nats?.stop();
  });

  /** A request to reporting as the gateway sends it (@nestjs/microservices over NATS). */
  async function ask(q: object): Promise<StatsTable> {
    const reply = await nc.request(
      ReportingRequests.throughput,
      JSON.stringify({ pattern: ReportingRequests.throughput, data: q, id: `${Date.now()}` }),
      { timeout: 20000 },
    );
    const body = JSON.parse(Buffer.from(reply.data).toString('utf8')) as { response?: StatsTable; err?: unknown };
    if (!body.response) throw new Error(`reporting answered ${JSON.stringify(body.err)}`);
    return body.response;
  }

  it('counts every presence change and every case once', async () => {
    const file = path.join(path.dirname(env.HALLWATCH_SITE), 'cases.csv');
    const header = Object.keys(kase(0));
    const all = Array.from({ length: CASES }, (_, i) => kase(i));
    fs.writeFileSync(
      file,
      [header.join(','), ...all.map((c) => header.map((k) => (c as unknown as Record<string, string>)[k]).join(','))].join('\n'),
    );

    const cli = spawn(process.execPath, [path.join(ROOT, 'bin', 'hallwatch.js'), 'import', 'cases', file], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let cliOut = '';
    cli.stdout.on('data', (d) => (cliOut += d));
    cli.stderr.on('data', (d) => (cliOut += d));
    const imported = new Promise<number | null>((resolve) => cli.once('exit', resolve));

    // Meanwhile: every presence change twice (a redelivery), and every even case over NATS too.
    const js = nc.jetstream();
    const day: [string, string][] = [
      ['staffed', '09:00'],
      ['absent', '10:00'],
      ['staffed', '10:30'],
      ['closed', '12:00'],
      ['staffed', '13:00'],
      ['closed', '17:00'],
    ];
    let presenceIn = 0;
    let casesIn = CASES;
    for (let round = 0; round < 2; round++)
      for (const date of DAYS)
        for (const windowId of WINDOWS)
          for (const [state, hhmm] of day) {
            await js.publish(
              Subjects.presence(windowId),
              encodeMessage({ windowId, hallId: 'H1', state, since: at(date, hhmm), at: at(date, hhmm) }),
            );
            presenceIn++;
          }
    for (const c of all.filter((_, i) => i % 2 === 0)) {
      await js.publish(Subjects.cases, encodeMessage(c));
      casesIn++;
    }
    expect(await imported).toBe(0);
    expect(cliOut).toContain(`${CASES} accepted, 0 rejected`);

    // Per window and day: staffed 60 + 90 + 240 = 390 min of 420, one absence of 30 min.
    const q = { from: DAYS[0], to: DAYS[DAYS.length - 1], groupBy: 'window' };
    const expected = WINDOWS.map((w, k) => ({ window: w, casesHandled: all.filter((_, i) => i % 3 === k).length, staffedHours: 32.5 }));
    const rows = await eventually(
      async () => {
        const table = await ask(q);
        const got = table.rows.map((r) => ({ window: r.window, casesHandled: r.casesHandled, staffedHours: r.staffedHours }));
        return JSON.stringify(got) === JSON.stringify(expected) ? table.rows : undefined;
      },
      90000,
      1000,
    );
    expect(rows.map((r) => r.medianHandlingMinutes)).toEqual([2, 2, 2]);

    // Records out, straight from the database: each change and each case stored once.
    const db = await mongoose.createConnection(env.MONGODB_URI).asPromise();
    try {
      // The table can be right before the last copies are in: a 'closed' at closing time changes no
      // figure. Wait for all of them (a lost change never arrives), then check none is stored twice.
      const stored = async () =>
        (await db.collection('presence_days').find().toArray()).reduce((n, d) => n + (d.changes as unknown[]).length, 0);
      const expectedChanges = DAYS.length * WINDOWS.length * day.length;
      await eventually(async () => ((await stored()) >= expectedChanges ? true : undefined), 30000).catch(() => undefined);
      const changes = await stored();
      expect(changes).toBe(expectedChanges);
      expect(await db.collection('cases').countDocuments()).toBe(CASES);
      process.stdout.write(
        `scale-out: presence ${presenceIn} events in, ${changes} changes stored; cases ${casesIn} in (CSV + NATS), ${CASES} stored, counted ${rows.reduce((n, r) => n + Number(r.casesHandled), 0)}\n`,
      );
    } finally {
      await db.close();
    }
    const attendance = await eventually(async () => {
      const reply = await nc.request(
        ReportingRequests.attendance,
        JSON.stringify({ pattern: ReportingRequests.attendance, data: q, id: 'a' }),
        { timeout: 20000 },
      );
      return (JSON.parse(Buffer.from(reply.data).toString('utf8')) as { response?: StatsTable }).response;
    });
    expect(
      attendance.rows.map((r) => [r.window, r.scheduledHours, r.staffedHours, r.unknownHours, r.absentPeriods, r.absenceMinutes]),
    ).toEqual(WINDOWS.map((w) => [w, 35, 32.5, 0, 5, 150]));
  });
});
