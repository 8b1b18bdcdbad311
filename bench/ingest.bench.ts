/**
 * `npm run bench:ingest [-- --cameras N --seconds S]`: what ingestion costs per camera.
 *
 * Makes a 720p, 25 fps H.264 test clip with a keyframe every 2 s (ffmpeg testsrc + libx264, once,
 * in a temporary folder), serves it N times over RTSP with deploy/rtsp/rtsp-server.py, runs a real
 * ingestion process (private nats-server and FerretDB) sampling every camera once every 2 s, waits
 * until every camera delivers, then measures for S seconds the CPU time of the ingestion process
 * and its ffmpeg children (from /proc) and counts the frames delivered on hallwatch.frames.*.
 * Goal: at most 1% of one core per camera, i.e. 36 CPU seconds per camera-hour.
 */
import 'reflect-metadata';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { connect } from 'nats';
import { ensureFerretDb, ensureNats, freePort } from '@hallwatch/runtime';
import { startRtspServer } from '../apps/cli/src/demo-camera';
import { option, treeUsage, waitForLine } from './support';

const ROOT = path.resolve(__dirname, '..', '..');
const SAMPLE_S = 2;
const KEYFRAME_S = 2;
const GOAL_CPU_S_PER_CAMERA_HOUR = 36;
/** The test RTSP server is slow to start many streams on a busy 2-core machine. */
const WARMUP_MS = 180000;

function treeCpu(pid: number): { seconds: number; processes: number } {
  const usage = treeUsage(pid);
  return { seconds: usage.rootSeconds + usage.childSeconds, processes: usage.processes };
}

async function main(): Promise<void> {
  const cameras = option('cameras', 20);
  const seconds = option('seconds', 60);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hallwatch-bench-ingest-'));
  const processes: ChildProcess[] = [];
  try {
    const clip = path.join(dir, 'test-720p25.mp4');
    execFileSync('ffmpeg', [
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=1280x720:rate=25',
      '-t',
      '20',
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-pix_fmt',
      'yuv420p',
      '-g',
      String(25 * KEYFRAME_S),
      '-keyint_min',
      String(25 * KEYFRAME_S),
      '-sc_threshold',
      '0',
      clip,
    ]);

    const rtspPort = await freePort();
    const mounts = Object.fromEntries(Array.from({ length: cameras }, (_, i) => [`/cam${i + 1}`, clip]));
    processes.push(await startRtspServer(rtspPort, mounts));

    const nats = await ensureNats(undefined, dir, await freePort());
    const db = await ensureFerretDb(undefined, dir, 0, '');
    processes.push(...[nats.process, db.process].filter((p): p is ChildProcess => p !== undefined));
    const site = path.join(dir, 'site.yaml');
    const cameraLines = Array.from(
      { length: cameras },
      (_, i) => `  - { id: cam-${i + 1}, hall: h1, rtsp: "rtsp://127.0.0.1:${rtspPort}/cam${i + 1}", sampleEverySeconds: ${SAMPLE_S} }`,
    );
    fs.writeFileSync(
      site,
      `halls: [{ id: h1, name: bench hall, kind: hall, schedule: always }]
schedules: { always: { weekdays: [mon, tue, wed, thu, fri, sat, sun], open: ["00:00-24:00"] } }
cameras:
${cameraLines.join('\n')}
`,
    );

    const nc = await connect({ servers: nats.url });
    const delivered = new Map<string, number>();
    nc.subscribe('hallwatch.frames.*', { callback: (_err, msg) => delivered.set(msg.subject, (delivered.get(msg.subject) ?? 0) + 1) });

    const ingestion = spawn(process.execPath, [path.join(ROOT, 'bin', 'hallwatch.js'), 'start', 'ingestion'], {
      env: {
        ...process.env,
        HALLWATCH_SITE: site,
        NATS_URL: nats.url,
        MONGODB_URI: `${db.url.replace(/\/$/, '')}/bench_ingest`,
        HALLWATCH_DATA_DIR: dir,
        HALLWATCH_INSTANCE: 'bench',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    processes.push(ingestion);
    let log = '';
    ingestion.stdout?.on('data', (d) => (log = (log + d).slice(-4000)));
    await waitForLine(ingestion, '"ingestion started"', 60000);

    const warmupDeadline = Date.now() + WARMUP_MS;
    while (delivered.size < cameras && Date.now() < warmupDeadline) await new Promise((r) => setTimeout(r, 500));
    if (delivered.size < cameras)
      throw new Error(
        `only ${delivered.size} of ${cameras} cameras delivered a frame within ${WARMUP_MS / 1000} s; ingestion said:\n${log}`,
      );

    const framesBefore = [...delivered.values()].reduce((a, b) => a + b, 0);
    const cpuBefore = treeCpu(ingestion.pid!);
    const started = Date.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const cpuAfter = treeCpu(ingestion.pid!);
    const elapsed = (Date.now() - started) / 1000;
    const frames = [...delivered.values()].reduce((a, b) => a + b, 0) - framesBefore;
    await nc.drain();

    const cpu = cpuAfter.seconds - cpuBefore.seconds;
    const perCameraHour = (cpu / cameras) * (3600 / elapsed);
    const expected = Math.round((cameras * elapsed) / SAMPLE_S);
    console.log(
      `ingest: ${cameras} cameras, 1280x720 25 fps H.264, keyframe every ${KEYFRAME_S} s, one sample every ${SAMPLE_S} s, ${elapsed.toFixed(0)} s measured`,
    );
    console.log(`ingest: processes measured (ingestion + ffmpeg): ${cpuAfter.processes}`);
    console.log(`frames delivered: ${frames} (one per camera per ${SAMPLE_S} s would be ${expected})`);
    console.log(
      `CPU seconds per camera-hour: ${perCameraHour.toFixed(1)} (${((perCameraHour / 3600) * 100).toFixed(2)}% of one core per camera; goal <= ${GOAL_CPU_S_PER_CAMERA_HOUR})`,
    );
    console.log(perCameraHour <= GOAL_CPU_S_PER_CAMERA_HOUR ? 'ingest: goal met' : 'ingest: goal NOT met');
  } finally {
    for (const p of processes.reverse()) p.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1000));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`bench:ingest: ${(err as Error).message}`);
    process.exit(1);
  },
);
