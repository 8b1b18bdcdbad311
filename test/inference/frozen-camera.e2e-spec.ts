import { ChildProcess, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startRtspServer } from '../../apps/cli/src/demo-camera';
import { BusWatcher, stopProcess } from '../ingestion/ingestion-harness';
import { eventually, freePort, MEDIA, RunningService, startService, testDatabaseUri, writeSiteFile } from '../support/e2e';
import { EMPTY_ZONE, EventLog, IncidentEvent } from './inference-harness';

/**
 * A frozen encoder on an empty seat, on real parts: the RTSP test server loops one still frame of
 * the empty room (H.264, every frame the same picture, timestamps advancing as a live stream's),
 * beside a live camera on the same empty room that shows what the detector makes of that seat.
 */
describe('a camera looping one still frame of an empty seat', () => {
  let dir: string;
  let cameras: ChildProcess;
  let bus: BusWatcher;
  let events: EventLog;
  const services: RunningService[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hallwatch-frozen-'));
    const png = path.join(dir, 'still.png');
    const still = path.join(dir, 'still.mp4');
    // 1.5 s in: the person at the left edge has left; the empty seat of EMPTY_ZONE.
    execFileSync('ffmpeg', ['-loglevel', 'error', '-ss', '1.5', '-i', path.join(MEDIA, 'empty-room.mp4'), '-frames:v', '1', png]);
    // Every frame a keyframe of the same picture at a fixed quantizer: what a server repeating its last frame sends.
    execFileSync('ffmpeg', [
      ...['-loglevel', 'error', '-loop', '1', '-framerate', '12', '-t', '2', '-i', png],
      ...['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-g', '1', '-qp', '20', still],
    ]);
    const port = await freePort();
    cameras = await startRtspServer(port, { '/still': still, '/live': path.join(MEDIA, 'empty-room.mp4') });
    const site = writeSiteFile(`
halls:
  - { id: h1, name: 区行政审批服务大厅, kind: hall, minStaffedWindows: 0, schedule: always }
cameras:
  - { id: cam-still, hall: h1, rtsp: "rtsp://127.0.0.1:${port}/still", sampleEverySeconds: 1 }
  - { id: cam-live, hall: h1, rtsp: "rtsp://127.0.0.1:${port}/live", sampleEverySeconds: 1 }
windows:
  - { id: W-S, hall: h1, name: 1号窗口, department: 市场监管局, camera: cam-still, zone: ${EMPTY_ZONE} }
  - { id: W-L, hall: h1, name: 2号窗口, department: 社保中心, camera: cam-live, zone: ${EMPTY_ZONE} }
schedules:
  always: { weekdays: [mon, tue, wed, thu, fri, sat, sun], open: ["00:00-24:00"] }
rules: { absenceAfter: 5s, lateAfter: 1h, earlyLeaveBefore: 1h, gapAfter: 1h, frozenAfter: 6s }
rosters:
  - { window: W-S, staff: "张三 (S001)", from: "00:00", to: "24:00" }
`);
    bus = await BusWatcher.start();
    events = await EventLog.connect();
    const env = { HALLWATCH_SITE: site, MONGODB_URI: testDatabaseUri('frozen') };
    for (const name of ['inference', 'ingestion']) services.push(await startService(name, env, 120000));
  });

  afterAll(async () => {
    for (const s of services.reverse()) await s.stop();
    await stopProcess(cameras);
    await bus?.close();
    await events?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const incidentsOf = async (test: (i: IncidentEvent & { reason?: string }) => boolean) =>
    ((await events.incidents()) as (IncidentEvent & { reason?: string })[]).filter(test);

  it('reports the still camera frozen with its reason, and publishes none of its repeated frames', async () => {
    const frozen = await eventually(
      async () => (bus.lastStatus('cam-still')?.status === 'frozen' ? bus.lastStatus('cam-still') : undefined),
      60000,
    );
    expect(frozen!.reason).toMatch(/^the picture has not changed for \d+ s$/);
    const sent = bus.framesOf('cam-still').length;
    await new Promise((r) => setTimeout(r, 5000));
    expect(bus.framesOf('cam-still')).toHaveLength(sent);
    expect(sent).toBeLessThanOrEqual(1); // the first picture, before anything repeated it
    // Meanwhile the live camera of the same room delivers every second and is never taken for frozen.
    expect(bus.framesOf('cam-live', Date.now() - 5000).length).toBeGreaterThanOrEqual(3);
    expect(bus.statuses.filter((s) => s.cameraId === 'cam-live').map((s) => s.status)).toEqual(['online']);
  });

  it('opens a camera-offline incident with reason frozen, while the live view of the same seat turns absent', async () => {
    const messages = await eventually(async () => {
      const found = await incidentsOf((i) => i.kind === 'camera-offline' && i.cameraId === 'cam-still');
      return found.length > 0 ? found : undefined;
    }, 30000);
    expect(messages).toEqual([expect.objectContaining({ hallId: 'h1', reason: 'frozen', windowIds: ['W-S'] })]);
    expect(messages[0].closedAt).toBeUndefined();
    // The control: the detector sees this seat empty; only the freeze keeps W-S from absent.
    await eventually(
      async () => ((await incidentsOf((i) => i.kind === 'absence' && i.windowId === 'W-L')).length > 0 ? true : undefined),
      90000,
      1000,
    );
  });

  it('keeps the frozen seat unknown, with no absence, well past absenceAfter', async () => {
    const states = (await events.presence('W-S')).map((p) => p.state);
    expect(states.length).toBeGreaterThanOrEqual(1);
    expect(new Set(states)).toEqual(new Set(['unknown']));
    expect(await incidentsOf((i) => i.windowId === 'W-S')).toEqual([]);
    expect(await incidentsOf((i) => i.kind === 'camera-offline' && i.cameraId === 'cam-live')).toEqual([]);
  });
});
