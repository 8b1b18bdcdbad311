import type { ChildProcess } from 'node:child_process';
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
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

/**
 * Two clips with a keyframe every 2 s (classroom-seated.mp4 and a copy of it, so two clips by name)
 * play on clocks a half interval apart: their keyframes reach clients 1 s apart, not together as
 * clips cut at whole keyframe intervals would (bench:e2e relies on this for realistic load).
 */
describe('the camera simulator: keyframes of different clips spread over the interval', () => {
  let port: number;
  let rtsp: ChildProcess | undefined;
  let dir: string;

  beforeAll(async () => {
    port = await freePort();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hallwatch-simulator-'));
    const copy = path.join(dir, 'classroom-seated-copy.mp4');
    fs.copyFileSync(clip('classroom-seated.mp4'), copy);
    rtsp = await startRtspServer(port, { '/a': clip('classroom-seated.mp4'), '/b': copy }, CAMERA_SIMULATOR);
  });

  afterAll(async () => {
    await stopProcess(rtsp);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Wall-clock arrival times (s) of the keyframes of a mount within `seconds`. */
  async function keyframeArrivals(mount: string, seconds: number): Promise<number[]> {
    const { stdout } = await promisify(execFile)('ffprobe', [
      ...['-v', 'error', '-rtsp_transport', 'tcp', '-use_wallclock_as_timestamps', '1', '-read_intervals', `%+${seconds}`],
      ...['-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', `rtsp://127.0.0.1:${port}${mount}`],
    ]);
    return stdout
      .split('\n')
      .filter((l) => l.includes('K'))
      .map((l) => Number.parseFloat(l));
  }

  it('sends the keyframes of the second clip half an interval after the first', async () => {
    const [a, b] = await Promise.all([keyframeArrivals('/a', 9), keyframeArrivals('/b', 9)]);
    // The first keyframe of each is the backlog a new client gets at once, not the clock's.
    const [clockA, clockB] = [a.slice(1), b.slice(1)];
    expect(clockA.length).toBeGreaterThanOrEqual(3);
    expect(clockB.length).toBeGreaterThanOrEqual(3);
    for (const t of clockA) {
      const nearest = Math.min(...clockB.map((u) => Math.abs(u - t)));
      expect(nearest).toBeGreaterThan(0.7);
      expect(nearest).toBeLessThan(1.3);
    }
  });
});
