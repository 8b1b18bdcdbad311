import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { looksLikeJpeg } from '../../apps/ingestion/src/utils/jpeg-splitter';
import { eventually, freePort, RunningService, startService, testDatabaseUri, writeSiteFile } from '../support/e2e';
import { BusWatcher, clip, jpegInfo, siteYaml, startRtspServer, stopProcess } from './ingestion-harness';

const INTERVAL_S = 2;
const SECRET = 'rtsp-secret-7391';

describe('ingestion: an RTSP camera into frames on NATS, with truthful health', () => {
  let rtspPort: number;
  let rtsp: ChildProcess | undefined;
  let ingestion: RunningService;
  let bus: BusWatcher;

  beforeAll(async () => {
    rtspPort = await freePort();
    rtsp = await startRtspServer(rtspPort, { '/cam1': clip('classroom-seated.mp4') });
    bus = await BusWatcher.start();
    const site = writeSiteFile(
      siteYaml([`{ id: rtsp-a, hall: h1, rtsp: "rtsp://viewer:${SECRET}@127.0.0.1:${rtspPort}/cam1", sampleEverySeconds: ${INTERVAL_S} }`]),
    );
    ingestion = await startService('ingestion', { HALLWATCH_SITE: site, MONGODB_URI: testDatabaseUri(), HALLWATCH_INSTANCE: 'rtsp-test' });
  });

  afterAll(async () => {
    await ingestion?.stop();
    await stopProcess(rtsp);
    await bus?.close();
  });

  it('publishes sampled JPEGs with camera id, ISO capture time and rising sequence numbers', async () => {
    const frames = await eventually(async () => (bus.framesOf('rtsp-a').length >= 3 ? bus.framesOf('rtsp-a') : undefined), 40000);
    for (const frame of frames) {
      expect(frame.cameraId).toBe('rtsp-a');
      expect(new Date(frame.capturedAt).toISOString()).toBe(frame.capturedAt);
      expect(Math.abs(Date.parse(frame.capturedAt) - frame.receivedAt)).toBeLessThan(5000);
      expect(looksLikeJpeg(frame.jpeg)).toBe(true);
      // The clip is 480x270, narrower than the 640 px analysis width: never scaled up.
      expect(await jpegInfo(frame.jpeg)).toEqual({ format: 'jpeg', width: 480, height: 270 });
    }
    const seqs = frames.map((f) => f.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(bus.lastStatus('rtsp-a')?.status).toBe('online');
  });

  it('samples about once per interval, decoding keyframes only as learned from the stream (2 s GOP)', async () => {
    // The site file gives no keyframe interval: ingestion looked at the stream itself.
    expect(ingestion.output()).toMatch(
      /camera rtsp-a: a keyframe every (1\.9\d*|2(\.\d+)?) s \(learned from the stream\): decoding keyframes only/,
    );
    const since = Date.now();
    await new Promise((r) => setTimeout(r, 5 * INTERVAL_S * 1000));
    const count = bus.framesOf('rtsp-a', since).length;
    // 5 intervals: 5 samples, give or take one at each edge; a 15 fps stream would give 150.
    expect(count).toBeGreaterThanOrEqual(3);
    expect(count).toBeLessThanOrEqual(7);
  });

  it("runs the camera's ffmpeg at niceness 10 (HALLWATCH_FFMPEG_NICENESS unset), ingestion itself at 0", () => {
    /** Fields of /proc/PID/stat from the third (state) on: parent at [1], niceness at [16]. */
    const stat = (pid: number | string) => {
      const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      return { comm: text.slice(text.indexOf('(') + 1, text.lastIndexOf(')')), fields: text.slice(text.lastIndexOf(')') + 2).split(' ') };
    };
    const children = fs
      .readdirSync('/proc')
      .filter((e) => /^\d+$/.test(e))
      .flatMap((pid) => {
        try {
          const s = stat(pid);
          return Number(s.fields[1]) === ingestion.process.pid ? [s] : [];
        } catch {
          return []; // ended while read
        }
      });
    const ffmpegs = children.filter((c) => c.comm === 'ffmpeg');
    expect(ffmpegs).toHaveLength(1);
    expect(Number(ffmpegs[0].fields[16])).toBe(10);
    expect(Number(stat(ingestion.process.pid!).fields[16])).toBe(0);
  });

  it('says offline within 3 intervals when the RTSP server dies, then online again when it returns', async () => {
    const killedAt = Date.now();
    await stopProcess(rtsp);
    const offline = await eventually(
      async () => {
        const s = bus.lastStatus('rtsp-a');
        return s?.status === 'offline' ? s : undefined;
      },
      3 * INTERVAL_S * 1000 + 2000,
    );
    expect(Date.parse(offline.at) - killedAt).toBeLessThanOrEqual(3 * INTERVAL_S * 1000);
    expect(offline.reason).toBeTruthy();

    rtsp = await startRtspServer(rtspPort, { '/cam1': clip('classroom-seated.mp4') });
    const backAt = Date.now();
    await eventually(async () => (bus.lastStatus('rtsp-a')?.status === 'online' ? true : undefined), 90000);
    const fresh = await eventually(
      async () => (bus.framesOf('rtsp-a', backAt).length >= 2 ? bus.framesOf('rtsp-a', backAt) : undefined),
      30000,
    );
    expect(await jpegInfo(fresh[0].jpeg)).toMatchObject({ format: 'jpeg' });
    // Same process throughout: ingestion reconnected by itself.
    expect(ingestion.process.exitCode).toBeNull();
    const changes = bus.statuses.filter((s) => s.cameraId === 'rtsp-a').map((s) => s.status);
    expect(changes).toEqual(['online', 'offline', 'online']);
  });

  it('never shows the camera password in logs or status events', () => {
    expect(ingestion.output()).toContain('rtsp-a');
    expect(ingestion.output()).not.toContain(SECRET);
    for (const s of bus.statuses) expect(s.raw).not.toContain(SECRET);
  });
});
