/**
 * `npm run bench:ingest [-- --cameras N --seconds S --profile DIR]`: where ingestion's cost per camera goes.
 *
 * Makes camera-like H.264 clips (test/media/classroom-seated.mp4 scaled, with sensor-like noise, at
 * a main stream's 1920x1080 4 Mbit/s and 1280x720 2 Mbit/s and a sub-stream's 640x360 512 kbit/s,
 * 25 fps, a keyframe every 2 s; once, kept in the temp directory) and serves each N times over RTSP
 * with deploy/rtsp/camera-simulator.py. Then, N ffmpeg at a time for S seconds each, it takes the
 * CPU time (from /proc, so a loaded machine still gives usable figures) of ingestion's own ffmpeg
 * command cut short at each stage: receiving and demuxing the whole stream (`-c copy`), then
 * decoding its keyframes (the `select` filter, `-f null`), then scaling, then the whole command
 * with its MJPEG encode; the whole command again on the 1080p and 360p streams. Last, a real
 * ingestion process (private nats-server and FerretDB) pulls the N 720p cameras for S seconds: its
 * Node side's CPU per camera and per frame, frames delivered on hallwatch.frames.*. With
 * `--profile DIR` that process writes a V8 CPU profile there. Goal: at most 1% of one core per
 * camera for the whole of ingestion, i.e. 36 CPU seconds per camera-hour.
 */
import 'reflect-metadata';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { connect } from 'nats';
import { ensureFerretDb, ensureNats, freePort } from '@hallwatch/runtime';
import { captureInputOptions, captureOutputOptions, CaptureSpec, GREY_FD, sampleFilter } from '../apps/ingestion/src/utils/capture-args';
import { JpegSplitter } from '../apps/ingestion/src/utils/jpeg-splitter';
import { CAMERA_SIMULATOR, probeMounts, startRtspServer } from '../apps/cli/src/demo-camera';
import { gop, H264, option, startService, stopInTurn, treeUsage } from './support';

const ROOT = path.resolve(__dirname, '..', '..');
const SAMPLE_S = 2;
const KEYFRAME_S = 2;
const FPS = 25;
const GOAL_CPU_S_PER_CAMERA_HOUR = 36;
/** Each stage runs this long before it is measured (connecting, the first keyframe). */
const STAGE_WARMUP_MS = 15000;
const FIRST_FRAMES_MS = 180000;
/** `--profile DIR`: the ingestion process writes a V8 CPU profile there when it stops. */
const PROFILE_DIR = process.argv.includes('--profile') ? path.resolve(process.argv[process.argv.indexOf('--profile') + 1]) : undefined;

interface Stream {
  name: string;
  width: number;
  height: number;
  kbps: number;
}
/** Typical main streams and a sub-stream (Hikvision's and Dahua's defaults are of this order). */
const STREAMS: Stream[] = [
  { name: '1080p', width: 1920, height: 1080, kbps: 4096 },
  { name: '720p', width: 1280, height: 720, kbps: 2048 },
  { name: '360p', width: 640, height: 360, kbps: 512 },
];
const SPEC: CaptureSpec = { sampleEverySeconds: SAMPLE_S, analysisWidth: 640, keyframeEverySeconds: KEYFRAME_S };

/** The clips, made once and kept in the temp directory under a name of what they are made of. */
function makeClips(): Record<string, string> {
  const source = path.join(ROOT, 'test', 'media', 'classroom-seated.mp4');
  // Temporal noise: a camera's sensor, so keyframes carry a live camera's detail and bitrate.
  const recipe = JSON.stringify([fs.statSync(source).size, STREAMS, FPS, KEYFRAME_S, H264, 'noise=alls=6:allf=t']);
  const dir = path.join(os.tmpdir(), `hallwatch-bench-ingest-clips-${createHash('sha256').update(recipe).digest('hex').slice(0, 12)}`);
  const clips = Object.fromEntries(STREAMS.map((s) => [s.name, path.join(dir, `${s.name}.mp4`)]));
  if (Object.values(clips).every((c) => fs.existsSync(c))) return clips;
  const making = `${dir}.making-${process.pid}`;
  fs.mkdirSync(making, { recursive: true });
  for (const s of STREAMS) {
    execFileSync('ffmpeg', [
      '-loglevel',
      'error',
      '-i',
      source,
      '-vf',
      `scale=${s.width}:${s.height},fps=${FPS},noise=alls=6:allf=t`,
      ...H264,
      ...gop(FPS * KEYFRAME_S),
      '-b:v',
      `${s.kbps}k`,
      '-maxrate',
      `${s.kbps}k`,
      '-bufsize',
      `${2 * s.kbps}k`,
      path.join(making, `${s.name}.mp4`),
    ]);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(making, dir);
  return clips;
}

/**
 * ingestion's ffmpeg command (capture-args.ts) cut short after `stage`: its input options always,
 * the sample filter's parts up to the stage (split at its top-level commas; escaped ones belong to
 * an expression) and a null output (ffmpeg's own frames, nothing encoded) before the last.
 */
function stageArgs(url: string, stage: 'demux' | 'decode' | 'scale' | 'encode'): string[] {
  const input = [...captureInputOptions(SPEC), '-i', url];
  if (stage === 'encode') return [...input, ...captureOutputOptions(SPEC)];
  if (stage === 'demux') return [...input, '-an', '-c:v', 'copy', '-f', 'null', '-'];
  const filters = sampleFilter(SPEC).split(/(?<!\\),/);
  const kept = stage === 'decode' ? filters.filter((f) => f.startsWith('select')) : filters;
  return [...input, '-an', '-vf', kept.join(','), '-fps_mode', 'passthrough', '-f', 'null', '-'];
}

/** CPU seconds so far of processes that are still running. */
const cpuOf = (pids: number[]) => pids.reduce((sum, pid) => sum + treeUsage(pid).rootSeconds, 0);

interface StageResult {
  /** % of one core per camera. */
  perCamera: number;
  /** JPEGs per camera per second (the whole command only). */
  framesPerSecond?: number;
  load: number;
}

/** N ffmpeg with `args(i)`, measured for `seconds` after a warm-up. */
async function measureStage(cameras: number, seconds: number, args: (i: number) => string[]): Promise<StageResult> {
  const children: ChildProcess[] = [];
  let jpegs = 0;
  let counting = false;
  try {
    for (let i = 0; i < cameras; i++) {
      // fd GREY_FD: the whole command's luma planes, read and dropped as ingestion would read them.
      const child = spawn('ffmpeg', args(i), { stdio: ['ignore', 'pipe', 'ignore', 'pipe'] });
      const splitter = new JpegSplitter();
      child.stdout!.on('data', (d: Buffer) => {
        const n = splitter.push(d).length;
        if (counting) jpegs += n;
      });
      child.stdio[GREY_FD]!.on('data', () => undefined);
      children.push(child);
    }
    await new Promise((r) => setTimeout(r, STAGE_WARMUP_MS));
    const ended = children.filter((c) => c.exitCode !== null || c.signalCode !== null).length;
    if (ended > 0) throw new Error(`${ended} of ${cameras} ffmpeg ended before the measurement: ${args(0).join(' ')}`);
    const pids = children.map((c) => c.pid!);
    const before = cpuOf(pids);
    const started = Date.now();
    counting = true;
    await new Promise((r) => setTimeout(r, seconds * 1000));
    counting = false;
    const cpu = cpuOf(pids) - before;
    const elapsed = (Date.now() - started) / 1000;
    return {
      perCamera: (100 * cpu) / elapsed / cameras,
      framesPerSecond: jpegs > 0 ? jpegs / elapsed / cameras : undefined,
      load: os.loadavg()[0],
    };
  } finally {
    for (const c of children) c.kill('SIGKILL');
  }
}

/** A real ingestion process pulling `mounts`: CPU of node and of its ffmpeg children, per camera and per frame. */
async function measureIngestion(dir: string, rtspPort: number, mounts: string[], seconds: number) {
  const processes: ChildProcess[] = [];
  try {
    const nats = await ensureNats(undefined, dir, await freePort());
    const db = await ensureFerretDb(undefined, dir, 0, '');
    processes.push(...[nats.process, db.process].filter((p): p is ChildProcess => p !== undefined));
    const site = path.join(dir, 'site.yaml');
    const cameraLines = mounts.map(
      (mount, i) => `  - { id: cam-${i + 1}, hall: h1, rtsp: "rtsp://127.0.0.1:${rtspPort}${mount}", sampleEverySeconds: ${SAMPLE_S} }`,
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
    const ingestion = startService(
      'ingestion',
      {
        HALLWATCH_SITE: site,
        NATS_URL: nats.url,
        MONGODB_URI: `${db.url.replace(/\/$/, '')}/bench_ingest`,
        HALLWATCH_DATA_DIR: dir,
        HALLWATCH_INSTANCE: 'bench',
      },
      PROFILE_DIR,
    );
    processes.push(ingestion.child);
    await ingestion.started;
    const deadline = Date.now() + FIRST_FRAMES_MS;
    while (delivered.size < mounts.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    if (delivered.size < mounts.length)
      throw new Error(
        `only ${delivered.size} of ${mounts.length} cameras delivered a frame within ${FIRST_FRAMES_MS / 1000} s; ingestion said:\n${ingestion.output().slice(-3000)}`,
      );
    // Past the first frames: every connection's ffprobe has ended, every capture runs.
    await new Promise((r) => setTimeout(r, STAGE_WARMUP_MS));
    const total = () => [...delivered.values()].reduce((a, b) => a + b, 0);
    const framesBefore = total();
    const before = treeUsage(ingestion.child.pid!);
    const started = Date.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const after = treeUsage(ingestion.child.pid!);
    const elapsed = (Date.now() - started) / 1000;
    const frames = total() - framesBefore;
    await nc.drain();
    return {
      node: after.rootSeconds - before.rootSeconds,
      ffmpeg: after.childSeconds - before.childSeconds,
      ffmpegs: after.processes - 1,
      elapsed,
      frames,
      load: os.loadavg()[0],
    };
  } finally {
    await stopInTurn(processes, PROFILE_DIR ? 20000 : 5000);
  }
}

async function main(): Promise<void> {
  const cameras = option('cameras', 20);
  const seconds = option('seconds', 60);
  const clips = makeClips();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hallwatch-bench-ingest-'));
  const processes: ChildProcess[] = [];
  try {
    const rtspPort = await freePort();
    const mounts = Object.fromEntries(
      STREAMS.flatMap((s) => Array.from({ length: cameras }, (_, i) => [`/${s.name}-${i + 1}`, clips[s.name]])),
    );
    processes.push(await startRtspServer(rtspPort, mounts, CAMERA_SIMULATOR));
    const bad = (await probeMounts(rtspPort, Object.keys(mounts))).filter((p) => p.problem);
    if (bad.length > 0) throw new Error(`camera simulator: ${bad.length} mounts gave no H.264 stream: ${bad[0].mount} ${bad[0].problem}`);
    const url = (stream: string, i: number) => `rtsp://127.0.0.1:${rtspPort}/${stream}-${i + 1}`;
    console.log(
      `ingest: ${cameras} cameras at a time, ${FPS} fps H.264, keyframe every ${KEYFRAME_S} s, one sample every ${SAMPLE_S} s at ` +
        `width ${SPEC.analysisWidth}, ${seconds} s per stage; ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)} at start`,
    );
    console.log(`ingest: ffmpeg ${captureInputOptions(SPEC).join(' ')} -i URL ${captureOutputOptions(SPEC).join(' ')}`);

    const stages = [
      ['demux', 'receive and demux the whole stream (-c copy)'],
      ['decode', '+ decode keyframes (select)'],
      ['scale', `+ scale to ${SPEC.analysisWidth}`],
      ['encode', '+ MJPEG: the whole command'],
    ] as const;
    let previous = 0;
    for (const [stage, what] of stages) {
      const r = await measureStage(cameras, seconds, (i) => stageArgs(url('720p', i), stage));
      const frames = r.framesPerSecond !== undefined ? `, ${r.framesPerSecond.toFixed(2)} JPEG/s per camera` : '';
      console.log(
        `ingest: 720p ${what}: ${r.perCamera.toFixed(3)} % of a core per camera (stage ${(r.perCamera - previous).toFixed(3)})${frames}; load ${r.load.toFixed(1)}`,
      );
      previous = r.perCamera;
    }
    for (const stream of STREAMS.filter((s) => s.name !== '720p')) {
      const r = await measureStage(cameras, seconds, (i) => stageArgs(url(stream.name, i), 'encode'));
      console.log(
        `ingest: ${stream.name} (${stream.width}x${stream.height}, ${stream.kbps} kbit/s) the whole command: ${r.perCamera.toFixed(3)} % of a core per camera, ` +
          `${(r.framesPerSecond ?? 0).toFixed(2)} JPEG/s per camera; load ${r.load.toFixed(1)}`,
      );
    }

    const ing = await measureIngestion(
      dir,
      rtspPort,
      Array.from({ length: cameras }, (_, i) => `/720p-${i + 1}`),
      seconds,
    );
    const perCamera = (s: number) => (100 * s) / ing.elapsed / cameras;
    const expected = Math.round((cameras * ing.elapsed) / SAMPLE_S);
    const perCameraHour = ((ing.node + ing.ffmpeg) / cameras) * (3600 / ing.elapsed);
    console.log(
      `ingest: ingestion, ${cameras} 720p cameras, ${ing.elapsed.toFixed(0)} s: node ${perCamera(ing.node).toFixed(3)} % of a core per camera ` +
        `(${((1000 * ing.node) / Math.max(1, ing.frames)).toFixed(2)} ms of CPU per frame), ${ing.ffmpegs} ffmpeg ${perCamera(ing.ffmpeg).toFixed(3)}; ` +
        `frames delivered ${ing.frames} (one per camera per ${SAMPLE_S} s: ${expected}); load ${ing.load.toFixed(1)}`,
    );
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
