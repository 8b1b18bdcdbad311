import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { CAMERA_SIMULATOR, probeMounts } from '../../apps/cli/src/demo-camera';
import { freePort } from '../support/e2e';
import { clip, startRtspServer, stopProcess } from './ingestion-harness';

/**
 * The camera simulator (deploy/rtsp/camera-simulator.py) as the benchmark uses it: several mounts share
 * each clip, and every one answers as a camera (the benchmark probes 120 the same way before it
 * measures). The clips' sizes are known from the files, not from the server.
 */
describe('the camera simulator: many mounts sharing a few clips', () => {
  let port: number;
  let rtsp: ChildProcess | undefined;
  const mounts = Array.from({ length: 6 }, (_, i) => `/cam${i + 1}`);

  beforeAll(async () => {
    port = await freePort();
    const files = [clip('classroom-seated.mp4'), clip('empty-room.mp4')];
    rtsp = await startRtspServer(port, Object.fromEntries(mounts.map((m, i) => [m, files[i % files.length]])), CAMERA_SIMULATOR);
  });

  afterAll(() => stopProcess(rtsp));

  it('answers ffprobe on every mount with an H.264 stream of its clip', async () => {
    expect(await probeMounts(port, mounts)).toEqual(mounts.map((mount) => ({ mount, width: 480, height: 270 })));
  });

  it('plays a clip in a loop as one live stream: its timestamps keep rising across the loops', () => {
    // empty-room.mp4 is 1.9 s long: 6 s of it are three loops.
    const csv = execFileSync('ffprobe', [
      ...['-v', 'error', '-rtsp_transport', 'tcp', '-read_intervals', '%+6', '-select_streams', 'v:0'],
      ...['-show_entries', 'frame=best_effort_timestamp_time', '-of', 'csv=p=0', `rtsp://127.0.0.1:${port}/cam2`],
    ]).toString();
    const times = csv
      .split('\n')
      .map((l) => Number.parseFloat(l))
      .filter((t) => Number.isFinite(t));
    expect(times.length).toBeGreaterThan(12 * 5); // 12 fps
    expect(times[times.length - 1] - times[0]).toBeGreaterThan(4);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThan(times[i - 1]);
  });
});
