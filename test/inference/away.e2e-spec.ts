import type { ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { hashPassword } from '@hallwatch/runtime';
import { localDate } from '@hallwatch/stats';
import { startRtspServer } from '../../apps/cli/src/demo-camera';
import { callApi, eventually, freePort, login, MEDIA, RunningService, startService, testDatabaseUri, writeSiteFile } from '../support/e2e';
import { EMPTY_ZONE, EventLog } from './inference-harness';

/**
 * Issue 23, 暂离: a declared short absence through POST /api/windows/:id/away, on real footage judged
 * by the real detector, with ingestion, inference, reporting and the gateway as real processes. Both
 * windows watch the empty-room clip (their seats empty by construction), each on a camera of its
 * own so that one can be stopped. Absences count after 45 s; a declaration is at most 3 min, and a
 * window's declarations at most 3 min a day.
 */
const PASSWORD = 'away-e2e-pw';
const TZ = 'Asia/Shanghai';
const MIN = 60_000;

interface Declaration {
  id: string;
  windowId: string;
  hallId: string;
  from: string;
  to: string;
  reason: string;
  source: string;
  submittedBy: string;
  submittedAt: string;
}
interface IncidentView {
  id: string;
  kind: string;
  windowId: string;
  openedAt: string;
  evidence: { role: string; capturedAt: string }[];
}
type Row = Record<string, string | number | null>;

describe('inference and reporting: 暂离, a declared short absence (issue 23)', () => {
  let cameraIn: ChildProcess;
  let cameraPast: ChildProcess;
  const services: RunningService[] = [];
  let api: string;
  let admin: string;
  let manager: string;
  let otherManager: string;
  let log: EventLog;
  let env: Record<string, string>;

  beforeAll(async () => {
    const [portIn, portPast, httpPort] = [await freePort(), await freePort(), await freePort()];
    cameraIn = await startRtspServer(portIn, { '/empty': path.join(MEDIA, 'empty-room.mp4') });
    cameraPast = await startRtspServer(portPast, { '/empty': path.join(MEDIA, 'empty-room.mp4') });
    const hash = await hashPassword(PASSWORD);
    const site = writeSiteFile(`
timezone: ${TZ}
halls:
  - { id: h1, name: 区行政审批服务大厅, kind: hall, minStaffedWindows: 0, schedule: always }
  - { id: h2, name: 城关镇便民服务中心, kind: township, minStaffedWindows: 0, schedule: always }
cameras:
  - { id: cam-away-in, hall: h1, rtsp: "rtsp://127.0.0.1:${portIn}/empty", sampleEverySeconds: 1 }
  - { id: cam-away-past, hall: h1, rtsp: "rtsp://127.0.0.1:${portPast}/empty", sampleEverySeconds: 1 }
windows:
  - { id: AW-IN, hall: h1, name: 1号窗口, department: 社保中心, camera: cam-away-in, zone: ${EMPTY_ZONE} }
  - { id: AW-PAST, hall: h1, name: 2号窗口, department: 社保中心, camera: cam-away-past, zone: ${EMPTY_ZONE} }
schedules:
  always: { weekdays: [mon, tue, wed, thu, fri, sat, sun], open: ["00:00-24:00"] }
rules: { absenceAfter: 45s, lateAfter: 1h, earlyLeaveBefore: 1h, gapAfter: 1h, confirmSamples: 2, confirmAfter: 2s, awayMax: 3m, awayPerDayMax: 3m }
users:
  - { username: admin, role: admin, passwordHash: "${hash}" }
  - { username: manager-h1, role: hall_manager, halls: [h1], passwordHash: "${hash}" }
  - { username: manager-h2, role: hall_manager, halls: [h2], passwordHash: "${hash}" }
`);
    env = { HALLWATCH_SITE: site, MONGODB_URI: testDatabaseUri('away'), PORT: String(httpPort), HALLWATCH_JWT_SECRET: 'e2e-away' };
    log = await EventLog.connect();
    // Gateway and reporting first: the declarations are made before the seats are first judged empty.
    for (const name of ['gateway', 'reporting']) services.push(await startService(name, env, 120000));
    api = `http://127.0.0.1:${httpPort}`;
    [admin, manager, otherManager] = await Promise.all(['admin', 'manager-h1', 'manager-h2'].map((u) => login(api, u, PASSWORD)));
  });

  afterAll(async () => {
    for (const s of services.reverse()) await s.stop();
    for (const camera of [cameraIn, cameraPast]) {
      camera?.kill('SIGKILL');
      camera?.stdout?.destroy();
      camera?.stderr?.destroy();
    }
    await log?.close();
  });

  const get = async <T>(url: string): Promise<T> => {
    const res = await callApi(api, 'GET', url, admin);
    if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const declare = (token: string, windowId: string, minutes: number, reason = '取材料') =>
    callApi(api, 'POST', `/api/windows/${windowId}/away`, token, { reason, minutes });
  const absences = async (windowId: string) =>
    (await get<{ items: IncidentView[] }>(`/api/incidents?kind=absence&window=${windowId}`)).items;
  const windowRow = async (windowId: string) =>
    (await get<Row[]>(`/api/stats/attendance?from=${localDate(TZ, Date.now())}&to=${localDate(TZ, Date.now())}&groupBy=window`)).find(
      (r) => r.window === windowId,
    );
  /** The window's first absent stretch as published: [since, the next state's since). */
  const absentStretch = async (windowId: string) => {
    const events = await log.presence(windowId);
    const i = events.findIndex((e) => e.state === 'absent');
    if (i < 0 || i + 1 >= events.length) return undefined;
    return { start: Date.parse(events[i].since), end: Date.parse(events[i + 1].since), next: events[i + 1].state };
  };
  const minutes = (ms: number) => Math.round((ms / MIN) * 100) / 100;

  let within: Declaration;
  let past: Declaration;

  it('records a hall manager’s declaration with who, when and why; refuses another hall’s manager and what is over a limit', async () => {
    const a = await declare(manager, 'AW-IN', 3);
    expect(a.status).toBe(200);
    within = (await a.json()) as Declaration;
    const b = await declare(manager, 'AW-PAST', 1, '如厕');
    expect(b.status).toBe(200);
    past = (await b.json()) as Declaration;
    expect(within).toMatchObject({ windowId: 'AW-IN', hallId: 'h1', reason: '取材料', source: 'api', submittedBy: 'manager-h1' });
    expect(Date.parse(within.to) - Date.parse(within.from)).toBe(3 * MIN);
    expect(Date.parse(past.to) - Date.parse(past.from)).toBe(1 * MIN);

    const other = await declare(otherManager, 'AW-IN', 1);
    expect(other.status).toBe(403);
    expect(await other.text()).toMatch(/outside your halls/);
    const tooLong = await declare(admin, 'AW-PAST', 4);
    expect(tooLong.status).toBe(422);
    expect(await tooLong.text()).toMatch(/rules\.awayMax \(3 min\)/);
    // AW-PAST has 1 min today: 3 more from now reach past the day's 3.
    const overDay = await declare(admin, 'AW-PAST', 3);
    expect(overDay.status).toBe(422);
    expect(await overDay.text()).toMatch(/rules\.awayPerDayMax \(3 min; 1 min declared already\)/);
    const unknown = await declare(admin, 'AW-NONE', 1);
    expect(unknown.status).toBe(404);

    for (const name of ['inference', 'ingestion']) services.push(await startService(name, env, 120000));
    // The board sees each going on, with its reason.
    const live = await get<{ windowId: string; away?: Declaration }[]>('/api/windows/live');
    expect(live.find((w) => w.windowId === 'AW-IN')?.away).toEqual(within);
  }, 300_000);

  it('an absence inside its declaration opens no incident, and counts as declaredAwayMinutes, not as an absence', async () => {
    const stretchStart = await eventually(async () => (await log.presence('AW-IN')).find((e) => e.state === 'absent'), 120_000, 1000);
    const start = Date.parse(stretchStart.since);
    // Empty past absenceAfter (45 s): undeclared, this would be an absence.
    await new Promise((r) => setTimeout(r, Math.max(0, start + 55_000 - Date.now())));
    cameraIn.kill('SIGKILL');
    const stretch = await eventually(() => absentStretch('AW-IN'), 60_000, 500);
    expect(stretch.next).toBe('unknown');
    // The premise: the whole absence lay inside the declaration.
    expect(stretch.start).toBeGreaterThanOrEqual(Date.parse(within.from));
    expect(stretch.end).toBeLessThanOrEqual(Date.parse(within.to));
    expect(stretch.end - stretch.start).toBeGreaterThan(45_000);

    const expected = minutes(stretch.end - stretch.start);
    const row = await eventually(
      async () => ((r) => (r?.declaredAwayMinutes === expected ? r : undefined))(await windowRow('AW-IN')),
      30_000,
      1000,
    ).catch(async (err) => {
      throw new Error(`${(err as Error).message}; row ${JSON.stringify(await windowRow('AW-IN'))}, expected ${expected} min declared`);
    });
    expect(row).toMatchObject({ absentPeriods: 0, absenceMinutes: 0 });
    expect(await absences('AW-IN')).toEqual([]);
  }, 400_000);

  it('past its declaration the absence opens counting from the declaration’s end', async () => {
    const [incident] = await eventually(
      async () => ((found) => (found.length > 0 ? found : undefined))(await absences('AW-PAST')),
      180_000,
      1000,
    );
    const stretchStart = Date.parse((await log.presence('AW-PAST')).find((e) => e.state === 'absent')!.since);
    // Not from when the seat was first seen empty (inside the declaration), but from its end.
    expect(stretchStart).toBeLessThan(Date.parse(past.to));
    expect(incident.openedAt).toBe(past.to);
    expect(incident.id).toBe(`absence:h1:AW-PAST:${Date.parse(past.to)}`);
    const threshold = await eventually(
      async () => (await absences('AW-PAST'))[0]?.evidence.find((e) => e.role === 'threshold'),
      60_000,
      1000,
    );
    expect(Date.parse(threshold.capturedAt) - Date.parse(past.to)).toBeGreaterThanOrEqual(45_000);
    // The time inside the declaration is declared.
    const declared = minutes(Date.parse(past.to) - Math.max(stretchStart, Date.parse(past.from)));
    await eventually(async () => ((r) => (r?.declaredAwayMinutes === declared ? r : undefined))(await windowRow('AW-PAST')), 30_000, 1000);
  }, 400_000);
});
