import type { ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { hashPassword } from '@hallwatch/runtime';
import { decodeJpeg, sampleVideo, type RgbFrame } from '@hallwatch/vision';
import { startRtspServer } from '../../apps/cli/src/demo-camera';
import { launchChromium } from '../../bench/chromium';
import { roughness } from '../support/image-measure';
import { PASSWORD, screenshot, signIn } from '../web/console-harness';
import { eventually, freePort, login, MEDIA, RunningService, startService, writeSiteFile, testDatabaseUri } from '../support/e2e';
import { zone } from './inference-harness';

/**
 * Issue 23, items 1-3: counter zones and waiting zones counted by the real detector on real RTSP
 * streams, with ingestion, inference and the gateway on the shared NATS and FerretDB.
 *
 * The classroom-seated clip (4 people seated; classroom-seated.zones.json labels its zones by eye):
 * - W-X: seat on the empty chair E, counter zone on the seated person of A: citizens wait at an
 *   empty seat, citizen-waiting-seat-empty opens;
 * - W-Y: seat on the seated person of D, counter zone on the person of B: the seat is staffed, none opens;
 * - W-Z: as W-X, on a camera whose stream is stopped (nothing serves it): unknown, none opens;
 * - hall h2 has no windows, only a waiting zone over the whole frame of the same clip: 4 waiting.
 * Last, the board in Chromium (docs/screenshots/board-citizens-waiting.png).
 */

interface IncidentView {
  id: string;
  kind: string;
  windowId: string;
  openedAt: string;
  evidence: { n: number; role: string; capturedAt: string }[];
}
interface LiveHall {
  hallId: string;
  waiting: number | null;
  waitingSince: string | null;
  at: string | null;
  staffedWindows: number;
  minStaffedWindows: number;
  windowsWaiting: { windowId: string; persons: number; since: string }[];
}

describe('inference: citizens at the counter and in the waiting area (issue 23)', () => {
  let camera: ChildProcess;
  const services: RunningService[] = [];
  let api: string;
  let admin: string;
  let manager: string;
  const startedAt = Date.now();

  beforeAll(async () => {
    const [cameraPort, stoppedPort, httpPort] = [await freePort(), await freePort(), await freePort()];
    camera = await startRtspServer(cameraPort, {
      '/seated': path.join(MEDIA, 'classroom-seated.mp4'),
      '/room': path.join(MEDIA, 'classroom-seated.mp4'),
    });
    const site = writeSiteFile(`
timezone: Asia/Shanghai
halls:
  - { id: h1, name: 区行政审批服务大厅, kind: hall, minStaffedWindows: 2, schedule: always }
  - id: h2
    name: 城关镇便民服务中心
    kind: township
    minStaffedWindows: 0
    schedule: always
    waitingZones: [{ camera: cam-room, zone: [[0, 0], [1, 0], [1, 1], [0, 1]] }]
cameras:
  - { id: cam-seated, hall: h1, rtsp: "rtsp://127.0.0.1:${cameraPort}/seated", sampleEverySeconds: 1 }
  - { id: cam-stopped, hall: h1, rtsp: "rtsp://127.0.0.1:${stoppedPort}/seated", sampleEverySeconds: 1 }
  - { id: cam-room, hall: h2, rtsp: "rtsp://127.0.0.1:${cameraPort}/room", sampleEverySeconds: 1 }
windows:
  - { id: W-X, hall: h1, name: 1号窗口, department: 市场监管局, camera: cam-seated, zone: ${zone('E')}, counterZone: ${zone('A')} }
  - { id: W-Y, hall: h1, name: 2号窗口, department: 社保中心, camera: cam-seated, zone: ${zone('D')}, counterZone: ${zone('B')} }
  - { id: W-Z, hall: h1, name: 3号窗口, department: 医保局, camera: cam-stopped, zone: ${zone('E')}, counterZone: ${zone('A')} }
schedules:
  always: { weekdays: [mon, tue, wed, thu, fri, sat, sun], open: ["00:00-24:00"] }
rules: { absenceAfter: 1h, lateAfter: 1h, earlyLeaveBefore: 1h, gapAfter: 1h, waitingAtEmptyAfter: 5s, confirmSamples: 2, confirmAfter: 2s }
users:
  - { username: admin, role: admin, passwordHash: "${await hashPassword(PASSWORD)}" }
  - { username: manager-h1, role: hall_manager, halls: [h1], passwordHash: "${await hashPassword(PASSWORD)}" }
`);
    const env = {
      HALLWATCH_SITE: site,
      MONGODB_URI: testDatabaseUri('counter'),
      PORT: String(httpPort),
      HALLWATCH_JWT_SECRET: 'e2e-counter',
    };
    for (const name of ['gateway', 'inference', 'ingestion']) services.push(await startService(name, env, 120000));
    api = `http://127.0.0.1:${httpPort}`;
    admin = await login(api, 'admin', PASSWORD);
    manager = await login(api, 'manager-h1', PASSWORD);
  });

  afterAll(async () => {
    for (const s of services.reverse()) await s.stop();
    camera?.kill('SIGKILL');
    camera?.stdout?.destroy();
    camera?.stderr?.destroy();
  });

  const get = async (url: string, token = admin): Promise<Response> => {
    const res = await fetch(`${api}${url}`, { headers: { authorization: `Bearer ${token}` } });
    if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
    return res;
  };
  const json = async <T>(url: string, token = admin): Promise<T> => (await (await get(url, token)).json()) as T;
  const waitingIncidents = async () => (await json<{ items: IncidentView[] }>('/api/incidents?kind=citizen-waiting-seat-empty')).items;

  it('opens citizen-waiting-seat-empty for citizens at the counter of the empty seat only, with the counter blurred in its evidence', async () => {
    const [incident] = await eventually(
      async () =>
        ((found) => (found.some((i) => i.evidence.some((e) => e.role === 'threshold')) ? found : undefined))(await waitingIncidents()),
      120_000,
      1000,
    );
    expect(incident).toMatchObject({ kind: 'citizen-waiting-seat-empty', windowId: 'W-X' });
    expect(Date.parse(incident.openedAt)).toBeGreaterThanOrEqual(startedAt);
    const threshold = incident.evidence.find((e) => e.role === 'threshold')!;
    expect(Date.parse(threshold.capturedAt) - Date.parse(incident.openedAt)).toBeGreaterThanOrEqual(5000);
    // The staffed seat (W-Y) and the stopped camera (W-Z) never had one, though the time for it passed long ago.
    const live = Object.fromEntries(
      (await json<{ windowId: string; state: string }[]>('/api/windows/live')).map((w) => [w.windowId, w.state]),
    );
    expect(live).toEqual({ 'W-X': 'absent', 'W-Y': 'staffed', 'W-Z': 'unknown' });
    expect((await waitingIncidents()).map((i) => i.windowId)).toEqual(['W-X']);

    // Evidence: the seat zones sharp, the counter zone (a seated person) blurred to a silhouette.
    const image = await get(`/api/incidents/${encodeURIComponent(incident.id)}/evidence/${threshold.n}`);
    const masked = await decodeJpeg(Buffer.from(await image.arrayBuffer()), 0);
    let original: RgbFrame | undefined;
    for await (const frame of sampleVideo(path.join(MEDIA, 'classroom-seated.mp4'), 1)) original ??= frame;
    expect([masked.width, masked.height]).toEqual([original!.width, original!.height]);
    const within = (x1: number, y1: number, x2: number, y2: number) => (x: number, y: number) => {
      const [fx, fy] = [(x + 0.5) / masked.width, (y + 0.5) / masked.height];
      return fx > x1 && fx < x2 && fy > y1 && fy < y2;
    };
    // Zone A (the counter) is x 0.08-0.25, y 0.45-0.90; zone D (W-Y's seat) x 0.58-0.76, y 0.48-0.92: 0.02 clear of their edges.
    const counter = within(0.1, 0.47, 0.23, 0.88);
    const seat = within(0.6, 0.5, 0.74, 0.9);
    const figures = {
      counter: [roughness(original!, counter), roughness(masked, counter)],
      seat: [roughness(original!, seat), roughness(masked, seat)],
    };
    process.stdout.write(`citizen-waiting evidence vs the clip: ${JSON.stringify(figures)}\n`);
    expect(figures.counter[1]).toBeLessThan(figures.counter[0] / 3);
    expect(figures.seat[1]).toBeGreaterThan(0.7 * figures.seat[0]);
  });

  it('GET /api/halls/live counts the 4 seated people of the waiting zone and the persons at the counters, for own halls only', async () => {
    const halls = await eventually(
      async () =>
        ((found) => (found.every((h) => h.waiting !== null) && found.find((h) => h.hallId === 'h2')!.waiting === 4 ? found : undefined))(
          await json<LiveHall[]>('/api/halls/live'),
        ),
      90_000,
      1000,
    );
    const h1 = halls.find((h) => h.hallId === 'h1')!;
    const h2 = halls.find((h) => h.hallId === 'h2')!;
    // h1: one person in each live counter zone (A, B); W-Z's camera counts nobody, not zero people.
    expect(h1).toMatchObject({ waiting: 2, staffedWindows: 1, minStaffedWindows: 2 });
    expect(h1.windowsWaiting.map((w) => [w.windowId, w.persons]).sort()).toEqual([
      ['W-X', 1],
      ['W-Y', 1],
    ]);
    expect(h2).toMatchObject({ waiting: 4, staffedWindows: 0, minStaffedWindows: 0, windowsWaiting: [] });
    for (const h of [h1, h2]) {
      expect(Date.parse(h.waitingSince!)).toBeGreaterThanOrEqual(startedAt);
      expect(Date.parse(h.at!)).toBeGreaterThanOrEqual(Date.parse(h.waitingSince!));
    }
    // A hall manager sees their own hall only.
    expect((await json<LiveHall[]>('/api/halls/live', manager)).map((h) => h.hallId)).toEqual(['h1']);
    expect((await fetch(`${api}/api/halls/live?hall=h2`, { headers: { authorization: `Bearer ${manager}` } })).status).toBe(403);
  });

  it('the board shows the hall manager the persons waiting and 群众等候无人 first among the open incidents (Chromium)', async () => {
    const browser = await launchChromium();
    try {
      const page = await (await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' })).newPage();
      await signIn(page, api, 'manager-h1');
      const waiting = page.locator('[data-hall=h1] [data-test=waiting-count]');
      await waiting.waitFor({ timeout: 30_000 });
      expect(await waiting.textContent()).toContain('等候 2 人');
      expect(await page.locator('[data-hall=h1] [data-test=window-waiting]').allTextContents()).toEqual(
        expect.arrayContaining(['1号窗口 前 1 人', '2号窗口 前 1 人']),
      );
      const first = page.locator('[data-hall=h1] .incidents li').first();
      expect(await first.getAttribute('data-kind')).toBe('citizen-waiting-seat-empty');
      expect(await first.textContent()).toContain('群众等候无人');
      await screenshot(page, 'board-citizens-waiting');
    } finally {
      await browser.close();
    }
  });
});
