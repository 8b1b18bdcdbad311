import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startRtspServer } from '../../apps/cli/src/demo-camera';
import { stopProcess } from '../ingestion/ingestion-harness';
import { eventually, freePort, MEDIA, RunningService, startService, testDatabaseUri, writeSiteFile } from '../support/e2e';
import { OwnedServer } from '../support/faults';

const SERVICES = ['ingestion', 'inference', 'reporting', 'gateway'] as const;
type Service = (typeof SERVICES)[number];

interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** The samples of `name` in a Prometheus text exposition. */
function samples(text: string, name: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    out.push({ labels, value: Number(m[3]) });
  }
  return out;
}

const valueOf = (text: string, name: string, labels: Record<string, string>) =>
  samples(text, name).find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

/**
 * Issue 21: every service on its own metrics port, on real parts: its own NATS (stopped and
 * started again), the test FerretDB, an RTSP camera (stopped at the end).
 */
describe('metrics and health probes of every service', () => {
  let dir: string;
  let nats: OwnedServer;
  let camera: ChildProcess | undefined;
  const ports = {} as Record<Service, number>;
  let gatewayPort: number;
  const services: RunningService[] = [];
  const url = (service: Service, what: string) => `http://127.0.0.1:${ports[service]}${what}`;
  const scrape = async (service: Service) => {
    const res = await fetch(url(service, '/metrics'));
    expect(res.status).toBe(200);
    return res.text();
  };
  const status = async (target: string) => {
    const res = await fetch(target);
    return { status: res.status, body: await res.text() };
  };
  const probeUrls = () => [...SERVICES.map((s) => url(s, '/readyz')), `http://127.0.0.1:${gatewayPort}/readyz`];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hallwatch-metrics-'));
    nats = await OwnedServer.nats(dir);
    const rtspPort = await freePort();
    camera = await startRtspServer(rtspPort, { '/live': path.join(MEDIA, 'empty-room.mp4') });
    for (const s of SERVICES) ports[s] = await freePort();
    gatewayPort = await freePort();
    const site = writeSiteFile(`
halls:
  - { id: h1, name: 区行政审批服务大厅, kind: hall, minStaffedWindows: 0, schedule: always }
cameras:
  - { id: cam-1, hall: h1, rtsp: "rtsp://127.0.0.1:${rtspPort}/live", sampleEverySeconds: 1 }
windows:
  - { id: W01, hall: h1, name: 1号窗口, department: 市场监管局, camera: cam-1, zone: [[0.1, 0.1], [0.5, 0.1], [0.5, 0.9], [0.1, 0.9]] }
schedules:
  always: { weekdays: [mon, tue, wed, thu, fri, sat, sun], open: ["00:00-24:00"] }
`);
    const env = { HALLWATCH_SITE: site, MONGODB_URI: testDatabaseUri('metrics'), NATS_URL: nats.url, PORT: String(gatewayPort) };
    services.push(
      ...(await Promise.all(SERVICES.map((s) => startService(s, { ...env, HALLWATCH_METRICS_PORT: String(ports[s]) }, 120000)))),
    );
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await stopProcess(camera);
    await nats?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('says where each listener is, and answers /healthz and /readyz without a token and without details', async () => {
    for (const [i, s] of SERVICES.entries()) {
      expect(services[i].output()).toContain(`metrics at http://127.0.0.1:${ports[s]}/metrics`);
      expect(await status(url(s, '/healthz'))).toEqual({ status: 200, body: 'ok\n' });
    }
    expect(await status(`http://127.0.0.1:${gatewayPort}/healthz`)).toEqual({ status: 200, body: 'ok\n' });
    await eventually(async () => ((await Promise.all(probeUrls().map(status))).every((r) => r.status === 200) ? true : undefined), 20000);
    for (const target of probeUrls()) expect(await status(target)).toEqual({ status: 200, body: 'ok\n' });
  });

  it('counts frames received in ingestion and judged in inference, with process metrics everywhere', async () => {
    for (const s of SERVICES) expect(samples(await scrape(s), 'process_cpu_user_seconds_total')).toHaveLength(1);
    const received = () => scrape('ingestion').then((t) => valueOf(t, 'hallwatch_frames_received_total', { camera: 'cam-1' }) ?? 0);
    const first = await eventually(async () => ((await received()) > 0 ? received() : undefined), 30000);
    await eventually(async () => ((await received()) > first ? true : undefined), 10000);
    const ingestion = await scrape('ingestion');
    expect(valueOf(ingestion, 'hallwatch_camera_up', { camera: 'cam-1' })).toBe(1);
    expect(valueOf(ingestion, 'hallwatch_camera_frame_age_seconds', { camera: 'cam-1' })).toBeLessThan(3);
    const inference = await eventually(async () => {
      const text = await scrape('inference');
      return (valueOf(text, 'hallwatch_frames_judged_total', { camera: 'cam-1' }) ?? 0) > 0 ? text : undefined;
    }, 40000);
    expect(samples(inference, 'hallwatch_detector_pass_seconds_count')[0].value).toBeGreaterThan(0);
    expect(valueOf(inference, 'hallwatch_hall_open', { hall: 'h1' })).toBe(1);
    expect(valueOf(inference, 'hallwatch_hall_judged_age_seconds', { hall: 'h1' })).toBeLessThan(10);
  });

  it("exports each window in exactly one state, inference's and reporting's consumer backlogs, stream fill and dead letters", async () => {
    const states = samples(await scrape('inference'), 'hallwatch_window_state').filter((s) => s.labels.window === 'W01');
    expect(states.map((s) => s.labels.state).sort()).toEqual(['absent', 'closed', 'staffed', 'unknown']);
    expect(states.filter((s) => s.value === 1)).toHaveLength(1);
    expect(samples(await scrape('inference'), 'hallwatch_consumer_pending_messages').map((s) => s.labels.consumer)).toContain(
      'HALLWATCH_LEAVES/inference-leaves',
    );
    const reporting = await scrape('reporting');
    expect(samples(reporting, 'hallwatch_consumer_pending_messages').map((s) => s.labels.consumer)).toContain(
      'HALLWATCH_PRESENCE/reporting',
    );
    const fill = valueOf(reporting, 'hallwatch_stream_fill_ratio', { stream: 'HALLWATCH_PRESENCE' });
    expect(fill).toBeGreaterThanOrEqual(0);
    expect(fill).toBeLessThan(0.01);
    expect(valueOf(reporting, 'hallwatch_dead_letters', { stream: 'HALLWATCH_PRESENCE' })).toBe(0);
  });

  it('times gateway requests by route pattern, never by the raw URL', async () => {
    expect((await fetch(`http://127.0.0.1:${gatewayPort}/api/incidents/some-incident-id`)).status).toBe(401);
    const routes = samples(await scrape('gateway'), 'hallwatch_http_request_duration_seconds_count');
    expect(routes).toContainEqual({ labels: { route: '/api/incidents/:id', status: '401' }, value: 1 });
    expect(routes.map((r) => r.labels.route).join()).not.toContain('some-incident-id');
  });

  it('answers /readyz 503 on every service while NATS is down, 200 again once it is back', async () => {
    await nats.kill();
    await eventually(async () => ((await Promise.all(probeUrls().map(status))).every((r) => r.status === 503) ? true : undefined), 15000);
    expect(await status(url('reporting', '/readyz'))).toEqual({ status: 503, body: 'not ready\n' });
    expect(await status(url('reporting', '/healthz'))).toEqual({ status: 200, body: 'ok\n' });
    await nats.restart();
    await eventually(async () => ((await Promise.all(probeUrls().map(status))).every((r) => r.status === 200) ? true : undefined), 30000);
    expect(services[2].output()).toMatch(/reporting not ready: NATS: NATS connection lost/);
  });

  it('turns the camera down once it stops, its frame age growing', async () => {
    await stopProcess(camera);
    const ingestion = await eventually(async () => {
      const text = await scrape('ingestion');
      return valueOf(text, 'hallwatch_camera_up', { camera: 'cam-1' }) === 0 ? text : undefined;
    }, 20000);
    const age = valueOf(ingestion, 'hallwatch_camera_frame_age_seconds', { camera: 'cam-1' })!;
    await new Promise((r) => setTimeout(r, 1500));
    expect(valueOf(await scrape('ingestion'), 'hallwatch_camera_frame_age_seconds', { camera: 'cam-1' })).toBeGreaterThan(age + 1);
  });
});
