import { ChildProcess, execFile } from 'node:child_process';
import * as path from 'node:path';
import { eventually, freePort, ROOT, RunningService, startService, testDatabaseUri, writeSiteFile } from '../support/e2e';
import { OnvifCamera, startOnvifCamera } from '../fixtures/onvif-camera';
import { BusWatcher, clip, jpegInfo, siteYaml, startRtspServer, stopProcess } from './ingestion-harness';

const USER = 'operator';
const PASSWORD = 'onvif-pass-5521';
const WRONG = 'wrong-pass-8830';

describe('ingestion: ONVIF cameras (our device fixture, real RTSP behind it)', () => {
  let rtsp: ChildProcess;
  let camera: OnvifCamera;
  let ingestion: RunningService;
  let bus: BusWatcher;
  let wrongSince: number;

  beforeAll(async () => {
    const rtspPort = await freePort();
    rtsp = await startRtspServer(rtspPort, { '/main': clip('empty-room.mp4'), '/sub': clip('classroom-seated.mp4') });
    camera = await startOnvifCamera({
      user: USER,
      password: PASSWORD,
      mainStream: `rtsp://127.0.0.1:${rtspPort}/main`,
      subStream: `rtsp://127.0.0.1:${rtspPort}/sub`,
    });
    bus = await BusWatcher.start();
    const site = writeSiteFile(
      siteYaml([
        `{ id: onvif-good, hall: h1, sampleEverySeconds: 2, onvif: { host: 127.0.0.1, port: ${camera.port}, user: ${USER}, password: ${PASSWORD} } }`,
        `{ id: onvif-bad, hall: h1, sampleEverySeconds: 2, onvif: { host: 127.0.0.1, port: ${camera.port}, user: ${USER}, password: ${WRONG} } }`,
      ]),
    );
    wrongSince = Date.now();
    ingestion = await startService('ingestion', { HALLWATCH_SITE: site, MONGODB_URI: testDatabaseUri(), HALLWATCH_INSTANCE: 'onvif-test' });
  });

  afterAll(async () => {
    await ingestion?.stop();
    await camera?.close();
    await stopProcess(rtsp);
    await bus?.close();
  });

  it('resolves the sub-stream profile through ONVIF (digest-authenticated) and publishes its frames', async () => {
    const frames = await eventually(async () => (bus.framesOf('onvif-good').length >= 2 ? bus.framesOf('onvif-good') : undefined), 40000);
    expect(await jpegInfo(frames[0].jpeg)).toEqual({ format: 'jpeg', width: 480, height: 270 });
    const good = camera.calls.filter((c) => c.authorized && c.action === 'GetStreamUri');
    expect(good.length).toBeGreaterThanOrEqual(1);
    // 640x360 is the analysis size; the 1280x720 main stream is not pulled.
    expect(new Set(good.map((c) => c.profileToken))).toEqual(new Set(['sub']));
    for (const action of ['GetSystemDateAndTime', 'GetCapabilities', 'GetDeviceInformation', 'GetProfiles', 'GetSnapshotUri']) {
      expect(camera.calls.map((c) => c.action)).toContain(action);
    }
    expect(bus.lastStatus('onvif-good')?.status).toBe('online');
  });

  it('reports a wrong password as offline with a reason, and retries with growing pauses, not in a loop', async () => {
    const offline = await eventually(async () => {
      const s = bus.lastStatus('onvif-bad');
      return s?.status === 'offline' ? s : undefined;
    });
    expect(offline.reason).toMatch(/not authorized/i);
    await new Promise((r) => setTimeout(r, 20000 - (Date.now() - wrongSince)));
    const rejected = camera.calls.filter((c) => !c.authorized).length;
    // Backoff 1, 2, 4, 8 s (each 50-100%): at most ~6 attempts in 20 s; a crash loop would make hundreds.
    expect(rejected).toBeGreaterThanOrEqual(2);
    expect(rejected).toBeLessThanOrEqual(8);
    expect(bus.statuses.filter((s) => s.cameraId === 'onvif-bad').map((s) => s.status)).toEqual(['offline']);
    expect(ingestion.process.exitCode).toBeNull();
    expect(bus.framesOf('onvif-good', Date.now() - 6000).length).toBeGreaterThanOrEqual(1);
  });

  it('never shows either password in logs or status events', () => {
    expect(ingestion.output()).toMatch(/onvif-bad/);
    for (const secret of [PASSWORD, WRONG]) {
      expect(ingestion.output()).not.toContain(secret);
      for (const s of bus.statuses) expect(s.raw).not.toContain(secret);
    }
  });

  it('`hallwatch cameras discover --address` finds the device by a unicast WS-Discovery probe', async () => {
    // Asynchronous: the fixture answering the probe lives in this process's event loop.
    const run = (extra: string[]) =>
      new Promise<{ status: number; stdout: string; stderr: string }>((resolve) =>
        execFile(
          process.execPath,
          [
            path.join(ROOT, 'bin', 'hallwatch.js'),
            'cameras',
            'discover',
            '--address',
            `127.0.0.1:${camera.discoveryPort}`,
            '--timeout',
            '1500',
            ...extra,
          ],
          { encoding: 'utf8', timeout: 30000 },
          (err, stdout, stderr) => resolve({ status: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
        ),
      );
    const described = await run(['--user', USER, '--password', PASSWORD]);
    expect(described.stderr).toBe('');
    expect(described.status).toBe(0);
    expect(described.stdout).toContain(`127.0.0.1:${camera.port}`);
    expect(described.stdout).toContain('model: Hallwatch HW-TEST-1');
    expect(described.stdout).toMatch(/MainStream \(main\): H264 1280x720 15 fps; SubStream \(sub\): H264 640x360 15 fps/);

    const anonymous = await run([]);
    expect(anonymous.status).toBe(0);
    expect(anonymous.stdout).toContain('model: HW-TEST-1');
    expect(anonymous.stdout).toMatch(/profiles: unavailable \(.*not authorized/i);
  });
});
