import type { ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import mongoose from 'mongoose';
import { hashPassword } from '@hallwatch/runtime';
import { localDate } from '@hallwatch/stats';
import { startRtspServer } from '../../apps/cli/src/demo-camera';
import { eventually, freePort, login, MEDIA, RunningService, startService, testDatabaseUri, writeSiteFile } from '../support/e2e';
import { EMPTY_ZONE, EventLog, incidentsById } from '../inference/inference-harness';
import { OwnedServer, tempDir } from '../support/faults';

interface Incident {
  id: string;
  kind: string;
  windowId?: string;
  cameraId?: string;
  closedAt?: string;
  durationMs?: number;
  status: string;
  audit: { by: string; action: string; reason?: string }[];
  evidence: { n: number; role: string }[];
}

const PASSWORD = 'one-db-pw';

/**
 * Inference and reporting on ONE database, as deployed: the supervisor's review, the audit trail
 * and the evidence of a confirmed absence survive its closing, and the statistics count it as
 * confirmed (reporting keeps its own collections and learns of the review from NATS).
 */
describe('inference and reporting on one database', () => {
  let camera: ChildProcess;
  const services: RunningService[] = [];
  let api: string;
  let supervisor: string;
  let events: EventLog;
  let mongodbUri: string;
  let nats: OwnedServer;

  beforeAll(async () => {
    const [cameraPort, httpPort] = [await freePort(), await freePort()];
    camera = await startRtspServer(cameraPort, { '/empty': path.join(MEDIA, 'empty-room.mp4') });
    const hash = await hashPassword(PASSWORD);
    const site = writeSiteFile(`
timezone: Asia/Shanghai
halls:
  - { id: h1, name: 区行政审批服务大厅, kind: hall, minStaffedWindows: 0, schedule: always }
cameras:
  - { id: cam-empty, hall: h1, rtsp: "rtsp://127.0.0.1:${cameraPort}/empty", sampleEverySeconds: 1 }
windows:
  - { id: W-E, hall: h1, name: 3号窗口, department: 社保中心, camera: cam-empty, zone: ${EMPTY_ZONE} }
schedules:
  always: { weekdays: [mon, tue, wed, thu, fri, sat, sun], open: ["00:00-24:00"] }
rules: { absenceAfter: 5s, lateAfter: 1h, earlyLeaveBefore: 1s, gapAfter: 1h }
users:
  - { username: jianchaju, role: supervisor, passwordHash: "${hash}" }
`);
    mongodbUri = testDatabaseUri('one_db');
    // A NATS of its own: on the shared test server, a new reporting consumer first replays every
    // earlier file's incidents and presence, which can outlast this test's waits.
    nats = await OwnedServer.nats(tempDir('one-db'));
    const env = {
      HALLWATCH_SITE: site,
      MONGODB_URI: mongodbUri,
      NATS_URL: nats.url,
      PORT: String(httpPort),
      HALLWATCH_JWT_SECRET: 'e2e-one-db',
    };
    events = await EventLog.connect(nats.url);
    for (const name of ['gateway', 'reporting', 'inference', 'ingestion']) services.push(await startService(name, env, 120000));
    api = `http://127.0.0.1:${httpPort}`;
    supervisor = await login(api, 'jianchaju', PASSWORD);
  });

  afterAll(async () => {
    for (const s of services.reverse()) await s.stop();
    camera?.kill('SIGKILL');
    camera?.stdout?.destroy();
    camera?.stderr?.destroy();
    await events?.close();
    await nats?.stop();
  });

  const get = (url: string) => fetch(`${api}${url}`, { headers: { authorization: `Bearer ${supervisor}` } });
  const json = async <T>(url: string): Promise<T> => {
    const res = await get(url);
    if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };

  it('keeps the review, audit trail and evidence of a confirmed absence after it closes, and counts it as confirmed', async () => {
    const [absence] = await eventually(
      async () => {
        const found = await json<Incident[]>('/api/incidents?kind=absence&window=W-E');
        return found.length > 0 && found[0].evidence.some((e) => e.role === 'threshold') ? found : undefined;
      },
      90000,
      1000,
    );
    const url = `/api/incidents/${encodeURIComponent(absence.id)}`;
    const patch = await fetch(`${api}${url}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${supervisor}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'confirmed', reason: '窗口无人, 已核实' }),
    });
    expect(patch.status).toBe(200);

    // The camera drops: the window is unknown from then on and the absence closes.
    camera.kill('SIGKILL');
    const closed = await eventually(
      async () => {
        const i = await json<Incident>(url);
        return i.closedAt ? i : undefined;
      },
      60000,
      1000,
    );
    expect(closed).toMatchObject({
      status: 'confirmed',
      windowId: 'W-E',
      audit: [{ by: 'jianchaju', action: 'confirmed', reason: '窗口无人, 已核实' }],
    });
    expect(closed.durationMs).toBeGreaterThanOrEqual(5000);
    expect(closed.evidence.map((e) => e.role)).toContain('threshold');
    const image = await get(`${url}/evidence/${closed.evidence[0].n}`);
    expect(image.status).toBe(200);

    const today = localDate('Asia/Shanghai', Date.now());
    const row = await eventually(
      async () => {
        const rows = await json<Record<string, unknown>[]>(`/api/stats/attendance?from=${today}&to=${today}&groupBy=window`);
        const w = rows.find((r) => r.window === 'W-E');
        return w && w.incidentsConfirmed === 1 ? w : undefined;
      },
      30000,
      1000,
    );
    expect(row).toMatchObject({ absenceIncidents: 1, incidentsConfirmed: 1, incidentsOpen: 0, incidentsClosed: 0, incidentsDismissed: 0 });

    // Events in vs records out: one incident opened, closed and reviewed; stored once by each owner.
    const absenceEvents = (await events.incidents()).filter((e) => e.kind === 'absence');
    const reviews = absenceEvents.filter((e) => 'review' in e);
    expect(reviews).toEqual([expect.objectContaining({ id: absence.id, review: 'confirmed' })]);
    const published = incidentsById(absenceEvents.filter((e) => !('review' in e)));
    const db = await mongoose.createConnection(mongodbUri).asPromise();
    try {
      const stored = await db.collection('incidents').findOne({ _id: absence.id } as never);
      expect(stored).toMatchObject({ review: 'confirmed', audit: [expect.objectContaining({ action: 'confirmed' })] });
      expect(await db.collection('reporting_incidents').countDocuments({ kind: 'absence' })).toBe(published.size);
      process.stdout.write(
        `one database: ${published.size} absence(s) published (${[...published.values()].reduce((n, e) => n + e.opened.length + e.closed.length, 0)} open/close events, ${reviews.length} review), ` +
          `${await db.collection('incidents').countDocuments({ kind: 'absence' })} in incidents, ${await db.collection('reporting_incidents').countDocuments({ kind: 'absence' })} in reporting_incidents, counted ${row.absenceIncidents}\n`,
      );
    } finally {
      await db.close();
    }
  });
});
