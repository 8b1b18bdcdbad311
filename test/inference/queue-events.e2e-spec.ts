import type { ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { connect, NatsConnection } from 'nats';
import { Streams } from '@hallwatch/contracts';
import { hashPassword } from '@hallwatch/runtime';
import { localDate } from '@hallwatch/stats';
import { startRtspServer } from '../../apps/cli/src/demo-camera';
import { eventually, freePort, login, MEDIA, RunningService, startService, testDatabaseUri, writeSiteFile } from '../support/e2e';
import { EMPTY_ZONE, zone } from './inference-harness';

/**
 * Issue 13, queue-system sessions from outside: queue events through POST /api/queue-events (and
 * straight on hallwatch.queue.<windowId>) against real RTSP streams judged by the real detector,
 * with ingestion, inference, reporting and the gateway on the shared NATS and FerretDB.
 * W-E watches the empty-room clip, W-A a staffed seat of the classroom clip.
 */
const PASSWORD = 'queue-e2e-pw';
const TZ = 'Asia/Shanghai';

interface IncidentView {
  id: string;
  kind: string;
  windowId: string;
  staff?: string;
  openedAt: string;
  closedAt?: string;
  evidence: { n: number; role: string; capturedAt: string }[];
  queueEvent?: Record<string, string>;
}
type Row = Record<string, string | number | null>;

describe('inference and reporting: queue-system sessions against the seats (issue 13)', () => {
  let seatedCamera: ChildProcess;
  let emptyCamera: ChildProcess;
  const services: RunningService[] = [];
  let api: string;
  let admin: string;

  beforeAll(async () => {
    const [seatedPort, emptyPort, httpPort] = [await freePort(), await freePort(), await freePort()];
    seatedCamera = await startRtspServer(seatedPort, { '/seated': path.join(MEDIA, 'classroom-seated.mp4') });
    emptyCamera = await startRtspServer(emptyPort, { '/empty': path.join(MEDIA, 'empty-room.mp4') });
    const site = writeSiteFile(`
timezone: ${TZ}
halls:
  - { id: h1, name: 区行政审批服务大厅, kind: hall, minStaffedWindows: 0, schedule: always }
cameras:
  - { id: cam-seated, hall: h1, rtsp: "rtsp://127.0.0.1:${seatedPort}/seated", sampleEverySeconds: 1 }
  - { id: cam-empty, hall: h1, rtsp: "rtsp://127.0.0.1:${emptyPort}/empty", sampleEverySeconds: 1 }
windows:
  - { id: W-A, hall: h1, name: 1号窗口, department: 市场监管局, camera: cam-seated, zone: ${zone('A')} }
  - { id: W-E, hall: h1, name: 2号窗口, department: 社保中心, camera: cam-empty, zone: ${EMPTY_ZONE} }
schedules:
  always: { weekdays: [mon, tue, wed, thu, fri, sat, sun], open: ["00:00-24:00"] }
rules: { absenceAfter: 1h, lateAfter: 1h, earlyLeaveBefore: 1h, gapAfter: 1h, queueMismatchAfter: 5s, confirmSamples: 2, confirmAfter: 2s }
users:
  - { username: admin, role: admin, passwordHash: "${await hashPassword(PASSWORD)}" }
`);
    const env = { HALLWATCH_SITE: site, MONGODB_URI: testDatabaseUri('queue'), PORT: String(httpPort), HALLWATCH_JWT_SECRET: 'e2e-queue' };
    for (const name of ['gateway', 'reporting', 'inference', 'ingestion']) services.push(await startService(name, env, 120000));
    api = `http://127.0.0.1:${httpPort}`;
    admin = await login(api, 'admin', PASSWORD);
  });

  afterAll(async () => {
    for (const s of services.reverse()) await s.stop();
    for (const camera of [seatedCamera, emptyCamera]) {
      camera?.kill('SIGKILL');
      camera?.stdout?.destroy();
      camera?.stderr?.destroy();
    }
  });

  const get = async <T>(url: string): Promise<T> => {
    const res = await fetch(`${api}${url}`, { headers: { authorization: `Bearer ${admin}` } });
    if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const post = async (events: unknown[]) => {
    const res = await fetch(`${api}/api/queue-events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as {
      accepted: number;
      rejected: number;
      results: { row: number; id?: string; accepted: boolean; reason?: string }[];
    };
  };
  const states = async () =>
    Object.fromEntries((await get<{ windowId: string; state: string }[]>('/api/windows/live')).map((w) => [w.windowId, w.state]));
  const mismatches = async (windowId: string) =>
    (await get<{ items: IncidentView[] }>(`/api/incidents?kind=queue-open-seat-empty&window=${windowId}`)).items;
  /** The attendance row of a staff id over the local dates of `from`..`to`, once it exists. */
  const staffRow = (staffId: string, from: number, to: number) =>
    get<Row[]>(`/api/stats/attendance?from=${localDate(TZ, from)}&to=${localDate(TZ, to)}&groupBy=staff`).then((rows) =>
      rows.find((r) => r.staff === staffId),
    );
  const minutes = (ms: number) => Math.round((ms / 60_000) * 100) / 100;
  const event = (windowId: string, staffId: string, kind: string, at: number) => ({
    windowId,
    staffId,
    event: kind,
    at: new Date(at).toISOString(),
  });

  it('a login at an empty seat opens queue-open-seat-empty with the login as evidence; a pause closes it; the open time counts', async () => {
    await eventually(async () => ((s) => (s['W-E'] === 'absent' && s['W-A'] === 'staffed' ? s : undefined))(await states()), 90_000, 1000);

    const loginAt = Date.now();
    const login = event('W-E', 'S003', 'login', loginAt);
    expect(await post([login])).toEqual({
      accepted: 1,
      rejected: 0,
      results: [{ row: 0, id: `queue:W-E:${loginAt}:login`, accepted: true }],
    });
    // A retried batch with a bad row and a window the site file lacks: per-row answers, the good row again.
    const retry = await post([login, { ...login, event: 'lunch' }, { ...login, windowId: 'W-X' }]);
    expect(retry.results.map((r) => [r.row, r.accepted])).toEqual([
      [0, true],
      [1, false],
      [2, false],
    ]);
    expect(retry.results[1].reason).toMatch(/^event must be one of the following values: login, pause, resume, logout/);
    expect(retry.results[2].reason).toMatch(/no window "W-X" in the site file/);

    const [incident] = await eventually(
      async () =>
        ((found) => (found.some((i) => i.evidence.some((e) => e.role === 'threshold')) ? found : undefined))(await mismatches('W-E')),
      60_000,
      1000,
    );
    // The seat was already known empty: the mismatch starts at the login.
    expect(incident).toMatchObject({
      kind: 'queue-open-seat-empty',
      windowId: 'W-E',
      staff: 'S003',
      openedAt: new Date(loginAt).toISOString(),
    });
    expect(incident.id).toBe(`queue-open-seat-empty:h1:W-E:${loginAt}`);
    expect(incident.queueEvent).toEqual({ ...login, at: new Date(loginAt).toISOString() });
    const threshold = Date.parse(incident.evidence.find((e) => e.role === 'threshold')!.capturedAt);
    expect(threshold - loginAt).toBeGreaterThanOrEqual(5000);

    const pauseAt = Date.now();
    expect((await post([event('W-E', 'S003', 'pause', pauseAt)])).accepted).toBe(1);
    const [closed] = await eventually(
      async () => ((found) => (found[0]?.closedAt ? found : undefined))(await mismatches('W-E')),
      30_000,
      500,
    );
    // At the pause, or earlier if the last empty frame vouched for less.
    expect(Date.parse(closed.closedAt!)).toBeLessThanOrEqual(pauseAt);
    expect(Date.parse(closed.closedAt!)).toBeGreaterThanOrEqual(threshold);

    // The retried login was stored once: the stream holds the login and the pause.
    const nc = await connect({ servers: process.env.HALLWATCH_TEST_NATS_URL });
    try {
      const info = await (await nc.jetstreamManager()).streams.info(Streams.queue.name, { subjects_filter: 'hallwatch.queue.W-E' });
      expect(info.state.subjects).toEqual({ 'hallwatch.queue.W-E': 2 });
    } finally {
      await nc.close();
    }

    // Open for calling while seen empty exactly from the login to the pause; paused while empty counts nothing.
    const row = await eventually(
      async () =>
        ((r) => (r && r.queueMismatchIncidents === 1 && r.openWhileAbsentMinutes === minutes(pauseAt - loginAt) ? r : undefined))(
          await staffRow('S003', loginAt, Date.now()),
        ),
      30_000,
      1000,
    ).catch(async (err) => {
      throw new Error(
        `${(err as Error).message}; row ${JSON.stringify(await staffRow('S003', loginAt, Date.now()))}, expected ${minutes(pauseAt - loginAt)} min`,
      );
    });
    expect(row).toMatchObject({ pausedWhileStaffedMinutes: 0 });
  });

  it('a camera outage during a queue session counts nothing against the staff', async () => {
    const loginAt = Date.now();
    expect((await post([event('W-A', 'S004', 'login', loginAt)])).accepted).toBe(1);
    seatedCamera.kill('SIGKILL');
    await eventually(async () => ((s) => (s['W-A'] === 'unknown' ? s : undefined))(await states()), 30_000, 500);
    const unknownAt = Date.now();
    // Well past queueMismatchAfter (5 s) into the outage.
    await new Promise((r) => setTimeout(r, 10_000));
    expect(await mismatches('W-A')).toEqual([]);
    const row = await eventually(() => staffRow('S004', loginAt, Date.now()), 30_000, 1000);
    expect(row).toMatchObject({ openWhileAbsentMinutes: 0, pausedWhileStaffedMinutes: 0, queueMismatchIncidents: 0 });
    expect(Date.now() - unknownAt).toBeGreaterThanOrEqual(10_000);
  });

  it("moves a queue event published on another window's subject, or not JSON, to the dead letters", async () => {
    const dead = async () => (await get<{ deadLetters: number }>('/api/health')).deadLetters;
    const before = await dead();
    const nc: NatsConnection = await connect({ servers: process.env.HALLWATCH_TEST_NATS_URL });
    try {
      const js = nc.jetstream();
      await js.publish('hallwatch.queue.W-E', Buffer.from(JSON.stringify(event('W-A', 'S004', 'logout', Date.now()))));
      await js.publish('hallwatch.queue.W-E', Buffer.from('logout'));
    } finally {
      await nc.close();
    }
    await eventually(async () => ((n) => (n === before + 2 ? n : undefined))(await dead()), 30_000, 500);
    // Neither reached W-E's session (still paused): no new incident, nothing closed twice.
    expect((await mismatches('W-E')).length).toBe(1);
  });
});
