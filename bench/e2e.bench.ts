/**
 * `npm run bench:e2e [-- --cameras N --inference K --warmup S --seconds S --stream WxH --fps N --profile DIR --logs DIR]`: the whole stack with many cameras.
 *
 * N simulated cameras (deploy/rtsp/camera-simulator.py, one mount each, all served by one process from
 * twelve clips in memory: looping 1280x720 (or `--stream WxH`, e.g. a sub-stream's 640x360) 25 fps (`--fps N`) H.264 with a keyframe every 2 s, made once from
 * test/media/classroom-seated.mp4 and kept in the temp directory for later runs: 60 s of four
 * staffed seats, then 60 s with those seats covered, in twelve phases so cameras do not flip
 * together, their keyframes spread over the interval as real cameras' are; every mount must answer ffprobe before anything starts), 4-7 windows each, one sample every 2 s, through ingestion, inference and reporting as
 * real processes on a private nats-server and FerretDB (K inference instances sharing the halls, by
 * default one per core). After every camera delivers and a warm-up,
 * it measures for S seconds: CPU time of Hallwatch's own processes from /proc (ingestion with its
 * ffmpeg children, inference, reporting; the camera simulator, NATS and FerretDB on their own
 * line), memory (PSS), frames sampled vs. judged, and the time from a frame's capture
 * (ingestion stamps the arrival of the decoded sample) to the presence change it decided arriving
 * on NATS, and how long ffmpeg and inference's main threads waited for a core (the former before
 * that capture stamp). A second line counts the whole box: every process but the camera simulator, as % of
 * the machine (100 % = every core busy). Without --cameras it runs 20, 60 and 120 cameras, and ends
 * with the largest N that kept up. Footage: Intel IoT devkit sample-videos, CC BY 4.0.
 */
import 'reflect-metadata';
import { ChildProcess, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { connect } from 'nats';
import { ensureFerretDb, ensureNats, freePort } from '@hallwatch/runtime';
import { CAMERA_SIMULATOR, probeMounts, startRtspServer } from '../apps/cli/src/demo-camera';
import { coverSeats, gop, H264, option, quantile, startService, stopInTurn, treeUsage, TreeUsage } from './support';

const ROOT = path.resolve(__dirname, '..', '..');
const MEDIA = path.join(ROOT, 'test', 'media');
const SAMPLE_S = 2;
const GOP_S = 2;
/** `--fps N`: the cameras' frame rate (a sub-stream set to 10 fps costs ingestion about two thirds of 25; deploy/README.md). */
const FPS = option('fps', 25);
/**
 * The clip: HALF_S seconds staffed, HALF_S seconds with the four seated zones covered. A window
 * that changes every minute is far busier than a real one (a few changes an hour), yet gives
 * every run hundreds of presence changes to time.
 */
const HALF_S = 60;
/**
 * Phases of the clip per camera, every 10 s (whole keyframe intervals, so cutting needs no
 * re-encoding): twelve clips, whose keyframes the simulator sends a twelfth of an interval apart.
 */
const OFFSETS_S = Array.from({ length: 12 }, (_, k) => (k * 2 * HALF_S) / 12);
/** The RTSP server is slow to start many streams on a busy 2-core machine. */
const FIRST_FRAMES_MS = 240000;
const MB = 1024 * 1024;
/** `--profile DIR`: the services write V8 CPU profiles there when they stop (open them in Chrome DevTools). */
const PROFILE_DIR = process.argv.includes('--profile') ? path.resolve(process.argv[process.argv.indexOf('--profile') + 1]) : undefined;
/** `--logs DIR`: each service's output goes to DIR/<cameras>-<service>.log. */
const LOG_DIR = process.argv.includes('--logs') ? path.resolve(process.argv[process.argv.indexOf('--logs') + 1]) : undefined;

interface Size {
  width: number;
  height: number;
}
const sizeText = (size: Size) => `${size.width}x${size.height}`;

/** `--stream WxH`: the size of the cameras' streams (default a 720p main stream; 640x360 is a typical sub-stream). */
function streamOption(): Size {
  const at = process.argv.indexOf('--stream');
  if (at < 0) return { width: 1280, height: 720 };
  const m = /^(\d+)x(\d+)$/.exec(process.argv[at + 1] ?? '');
  if (!m || Number(m[1]) % 2 !== 0 || Number(m[2]) % 2 !== 0)
    throw new Error(`--stream must be WIDTHxHEIGHT in even numbers (e.g. 640x360), got ${process.argv[at + 1] ?? 'nothing'}`);
  return { width: Number(m[1]), height: Number(m[2]) };
}

/** The line handler of a service: `parse`, and the log file when --logs is given. */
function lines(cameras: number, service: string, parse: (line: string) => void = () => undefined): (line: string) => void {
  if (!LOG_DIR) return parse;
  fs.mkdirSync(LOG_DIR, { recursive: true });
  const file = fs.openSync(path.join(LOG_DIR, `${cameras}-${service}.log`), 'w');
  return (line) => {
    fs.writeSync(file, `${line}\n`);
    parse(line);
  };
}

interface Zone {
  id: string;
  polygon: [number, number][];
}

interface RunResult {
  cameras: number;
  keptUp: boolean;
  camerasPerCore: number;
  /** All processes but the camera simulator, % of the machine. */
  machine: number;
  p50: number;
  p90: number;
}

/**
 * The four phase-shifted clips, made with ffmpeg once and kept in the temp directory under a name
 * of what they are made of (encoding 120 cameras' worth of 720p on every run would dominate it).
 */
function makeClips(zones: Zone[], stream: Size): string[] {
  const source = path.join(MEDIA, 'classroom-seated.mp4');
  const covers = coverSeats(zones, ['A', 'B', 'C', 'D'], HALF_S);
  const recipe = JSON.stringify([fs.statSync(source).size, FPS, GOP_S, HALF_S, OFFSETS_S, covers, H264, stream]);
  const dir = path.join(os.tmpdir(), `hallwatch-bench-e2e-clips-${createHash('sha256').update(recipe).digest('hex').slice(0, 12)}`);
  const name = `hall-${stream.height}p${FPS}`;
  const clips = OFFSETS_S.map((offset) => path.join(dir, offset === 0 ? `${name}.mp4` : `${name}-phase-${offset}.mp4`));
  if (clips.every((c) => fs.existsSync(c))) return clips;
  fs.rmSync(dir, { recursive: true, force: true });
  const making = `${dir}.making-${process.pid}`;
  fs.mkdirSync(making, { recursive: true });
  const base = path.join(making, `${name}.mp4`);
  execFileSync('ffmpeg', [
    '-loglevel',
    'error',
    '-stream_loop',
    '-1',
    '-i',
    source,
    '-t',
    String(2 * HALF_S),
    '-vf',
    [`scale=${stream.width}:${stream.height}`, `fps=${FPS}`, ...covers].join(','),
    ...H264,
    ...gop(FPS * GOP_S),
    base,
  ]);
  for (const offset of OFFSETS_S.filter((o) => o !== 0)) {
    const list = path.join(making, `phase-${offset}.txt`);
    fs.writeFileSync(list, `file '${base}'\ninpoint ${offset}\nfile '${base}'\noutpoint ${offset}\n`);
    const out = path.join(making, `${name}-phase-${offset}.mp4`);
    execFileSync('ffmpeg', ['-loglevel', 'error', '-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', out]);
  }
  // Whole or not at all: an interrupted run leaves no half-made clip for the next one.
  fs.renameSync(making, dir);
  return clips;
}

/** A district-like site: 3 cameras per hall, camera i with 4 + (i mod 4) windows. */
function siteYaml(cameras: number, rtspPort: number, zones: Zone[]): { yaml: string; windows: number; halls: number } {
  const halls = Math.ceil(cameras / 3);
  const lines: string[] = [];
  const windows: string[] = [];
  for (let i = 0; i < cameras; i++) {
    const hall = `h${Math.floor(i / 3) + 1}`;
    lines.push(
      `  - { id: cam-${i + 1}, hall: ${hall}, rtsp: "rtsp://127.0.0.1:${rtspPort}/cam${i + 1}", sampleEverySeconds: ${SAMPLE_S} }`,
    );
    for (const zone of zones.slice(0, 4 + (i % 4))) {
      windows.push(
        `  - { id: W${i + 1}-${zone.id}, hall: ${hall}, name: window ${i + 1}${zone.id}, department: bench, camera: cam-${i + 1}, zone: ${JSON.stringify(zone.polygon)} }`,
      );
    }
  }
  const hallLines = Array.from({ length: halls }, (_, h) => `  - { id: h${h + 1}, name: bench hall ${h + 1}, kind: hall }`);
  const yaml = `halls:
${hallLines.join('\n')}
schedules: { default: { weekdays: [mon, tue, wed, thu, fri, sat, sun], open: ["00:00-24:00"] } }
# The clips flip every ${HALF_S} s: confirm a change on 2 agreeing samples 4 s apart (the default 20 s would
# never confirm one); everything else as a hall runs it.
rules: { confirmSamples: 2, confirmAfter: 4s }
cameras:
${lines.join('\n')}
windows:
${windows.join('\n')}
`;
  return { yaml, windows: windows.length, halls };
}

const pct = (seconds: number, elapsed: number) => (100 * seconds) / elapsed;

async function run(
  cameras: number,
  instances: number,
  warmupS: number,
  seconds: number,
  clips: string[],
  stream: Size,
  zones: Zone[],
): Promise<RunResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `hallwatch-bench-e2e-${cameras}-`));
  const processes: ChildProcess[] = [];
  const tag = `e2e ${cameras} cameras:`;
  try {
    const rtspPort = await freePort();
    const mounts = Object.fromEntries(Array.from({ length: cameras }, (_, i) => [`/cam${i + 1}`, clips[i % clips.length]]));
    const rtsp = await startRtspServer(rtspPort, mounts, CAMERA_SIMULATOR);
    processes.push(rtsp);
    // Every camera a valid stream before the measurement: a garbled simulator is not Hallwatch falling behind.
    const probes = await probeMounts(rtspPort, Object.keys(mounts));
    const bad = probes.filter((p) => p.problem || p.width !== stream.width || p.height !== stream.height);
    if (bad.length > 0)
      throw new Error(
        `camera simulator: ${bad.length} of ${cameras} mounts gave no ${sizeText(stream)} H.264 stream: ${bad
          .slice(0, 5)
          .map((p) => `${p.mount} ${p.problem ?? `${p.width}x${p.height}`}`)
          .join('; ')}`,
      );
    console.log(`${tag} camera simulator: all ${cameras} mounts answer ffprobe with a ${sizeText(stream)} H.264 stream`);

    const nats = await ensureNats(undefined, dir, await freePort());
    const db = await ensureFerretDb(undefined, dir, 0, '');
    processes.push(...[nats.process, db.process].filter((p): p is ChildProcess => p !== undefined));
    const site = siteYaml(cameras, rtspPort, zones);
    const siteFile = path.join(dir, 'site.yaml');
    fs.writeFileSync(siteFile, site.yaml);
    const env = {
      HALLWATCH_SITE: siteFile,
      NATS_URL: nats.url,
      MONGODB_URI: `${db.url.replace(/\/$/, '')}/bench_e2e`,
      HALLWATCH_DATA_DIR: dir,
    };

    let measuring = false;
    let sampled = 0;
    const delivered = new Set<string>();
    const latencies: number[] = [];
    /** Cameras one of whose windows a frame turned staffed or absent during the measurement. */
    const judgedCameras = new Set<string>();
    /** Per inference instance, [time, judged since start] whenever it logged its count during the measurement. */
    const judgedMarks: [number, number][][] = Array.from({ length: instances }, () => []);
    let dropped = 0;
    /** Zones the detector looked at, summed over inference's counts during the measurement. */
    let zonesInferred = 0;
    let passes = 0;
    /** Cameras whose last look at the stream chose keyframes only (true) or every frame (false). */
    const decoding = new Map<string, boolean>();
    let backend = 'not logged';

    const nc = await connect({ servers: nats.url });
    nc.subscribe('hallwatch.frames.*', {
      callback: (_err, msg) => {
        delivered.add(msg.subject);
        sampled++;
      },
    });
    nc.subscribe('hallwatch.presence.*', {
      callback: (_err, msg) => {
        const event = JSON.parse(msg.string()) as { windowId: string; state: string; at: string };
        // Staffed and absent are decided by a frame, whose capture time the event carries.
        if (measuring && (event.state === 'staffed' || event.state === 'absent')) {
          latencies.push(Date.now() - Date.parse(event.at));
          // Window W<i>-<zone> is camera i's (siteYaml).
          judgedCameras.add(event.windowId.replace(/^W(\d+)-.*$/, '$1'));
        }
      },
    });
    await nc.flush();

    const ingestion = startService(
      'ingestion',
      { ...env, HALLWATCH_INSTANCE: 'bench' },
      PROFILE_DIR,
      lines(cameras, 'ingestion', (line) => {
        const choice = /camera (\S+): [^"]*: decoding (keyframes only|every frame)/.exec(line);
        if (choice) decoding.set(choice[1], choice[2] === 'keyframes only');
      }),
    );
    // Inference instances share the halls by leases, as on a site that runs one per core.
    const inferences = judgedMarks.map((marks, i) =>
      startService(
        'inference',
        { ...env, HALLWATCH_INSTANCE: `bench-${i + 1}` },
        PROFILE_DIR,
        lines(cameras, `inference-${i + 1}`, (line) => {
          const count = /frame\(s\) judged in the last \d+ s, (\d+) since start/.exec(line);
          if (count && measuring) marks.push([Date.now(), Number(count[1])]);
          const zones = /(\d+) zone\(s\) given to the detector in (\d+) pass/.exec(line);
          if (zones && measuring) {
            zonesInferred += Number(zones[1]);
            passes += Number(zones[2]);
          }
          // Written once a minute per camera, with the count of those left out since.
          if (measuring && line.includes('dropped, the detector is behind'))
            dropped += 1 + Number(/\((\d+) more like it/.exec(line)?.[1] ?? 0);
          backend = /detector backend: ([^"\\]+)/.exec(line)?.[1] ?? backend;
        }),
      ),
    );
    const reporting = startService('reporting', { ...env, HALLWATCH_INSTANCE: 'bench' }, PROFILE_DIR, lines(cameras, 'reporting'));
    const services = [ingestion, ...inferences, reporting];
    processes.push(...services.map((s) => s.child));
    await Promise.all(Object.values(services).map((s) => s.started));

    const deadline = Date.now() + FIRST_FRAMES_MS;
    while (delivered.size < cameras && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    if (delivered.size < cameras) {
      // A camera the simulator does not serve is a run that did not keep up, not the end of the benchmark.
      const silent = Array.from({ length: cameras }, (_, i) => `cam-${i + 1}`).filter((id) => !delivered.has(`hallwatch.frames.${id}`));
      console.log(
        `${tag} only ${delivered.size} of ${cameras} cameras delivered a frame within ${FIRST_FRAMES_MS / 1000} s (silent: ${silent.join(', ')}); kept up: no`,
      );
      return { cameras, keptUp: false, camerasPerCore: NaN, machine: NaN, p50: NaN, p90: NaN };
    }
    await new Promise((r) => setTimeout(r, warmupS * 1000));

    const trees: Record<string, number | undefined> = {
      ingestion: ingestion.child.pid,
      ...Object.fromEntries(inferences.map((s, i) => [`inference-${i + 1}`, s.child.pid])),
      reporting: reporting.child.pid,
      simulator: rtsp.pid,
      nats: nats.process?.pid,
      ferretdb: db.process?.pid,
    };
    const usage = () =>
      Object.fromEntries(Object.entries(trees).map(([k, pid]) => [k, pid ? treeUsage(pid) : undefined])) as Record<
        string,
        TreeUsage | undefined
      >;
    const peakMemory: Record<string, number> = {};
    const watchMemory = () => {
      for (const [k, u] of Object.entries(usage())) {
        if (!u) continue;
        peakMemory[k] = Math.max(peakMemory[k] ?? 0, u.rootMemory);
        peakMemory[`${k} children`] = Math.max(peakMemory[`${k} children`] ?? 0, u.childMemory);
      }
    };
    measuring = true;
    const sampledBefore = sampled;
    const before = usage();
    const started = Date.now();
    const memoryTimer = setInterval(watchMemory, 5000);
    await new Promise((r) => setTimeout(r, seconds * 1000));
    clearInterval(memoryTimer);
    const after = usage();
    const elapsed = (Date.now() - started) / 1000;
    measuring = false;
    const frames = sampled - sampledBefore;
    await nc.drain();

    /** How much `of` grew during the measurement, summed over `name`'s instances. */
    const grew = (name: string, of: (u: TreeUsage) => number) => {
      let sum = 0;
      for (const k of Object.keys(trees).filter((k) => k === name || k.startsWith(`${name}-`))) {
        const [a, b] = [after[k], before[k]];
        if (a && b) sum += of(a) - of(b);
      }
      return sum;
    };
    /** CPU of `name` (all its instances), % of one core. */
    const cpu = (name: string, part: 'rootSeconds' | 'childSeconds' | 'both' = 'both') =>
      pct(
        grew(name, (u) => (part === 'both' ? u.rootSeconds + u.childSeconds : u[part])),
        elapsed,
      );
    /** Seconds `name`'s main threads (its own, or its children's: ingestion's ffmpegs) waited for a core during the measurement. */
    const waited = (name: string, part: 'rootWaitSeconds' | 'childWaitSeconds') => grew(name, (u) => u[part]);
    const hallwatch = cpu('ingestion') + cpu('inference') + cpu('reporting');
    const camerasPerCore = cameras / (hallwatch / 100);
    const expected = Math.round((cameras * elapsed) / SAMPLE_S);
    const ffmpegs = (after.ingestion?.processes ?? 1) - 1;
    // Each instance logs its count on its own clock: sum the rates between each one's first and last count.
    const rates = judgedMarks.map((marks) => {
      const [first, last] = [marks[0], marks[marks.length - 1]];
      return first && last !== first ? (last[1] - first[1]) / ((last[0] - first[0]) / 1000) : undefined;
    });
    const judgedRate = rates.every((r) => r !== undefined) ? rates.reduce((a, r) => (a as number) + (r as number), 0) : undefined;
    const sampledRate = frames / elapsed;
    // No backlog growing (nothing dropped, judged as fast as sampled) and every camera's frames
    // judged: the clip flips each camera's seats every minute, so each decides a change in 65 s.
    const keptUp =
      frames >= 0.9 * expected &&
      dropped === 0 &&
      judgedRate !== undefined &&
      judgedRate >= 0.95 * sampledRate &&
      judgedCameras.size === cameras;
    const cores = os.cpus().length;
    /** % of one core as % of the machine. */
    const ofMachine = (pctOfCore: number) => pctOfCore / cores;
    const machine = ofMachine(hallwatch + cpu('nats') + cpu('ferretdb'));
    const p50 = latencies.length ? quantile(latencies, 0.5) : NaN;
    const p90 = latencies.length ? quantile(latencies, 0.9) : NaN;
    const mb = (k: string) => ((peakMemory[k] ?? 0) / MB).toFixed(0);

    console.log(
      `${tag} ${site.windows} windows in ${site.halls} halls; ${sizeText(stream)} ${FPS} fps H.264, keyframe every ${GOP_S} s; one sample every ${SAMPLE_S} s; ` +
        `warm-up ${warmupS} s, measured ${elapsed.toFixed(0)} s; machine load ${os.loadavg()[0].toFixed(1)}`,
    );
    console.log(
      `${tag} detector backend ${backend}; ingestion decodes keyframes only for ${[...decoding.values()].filter(Boolean).length} of ${cameras} cameras (learned from the streams)`,
    );
    console.log(
      `${tag} CPU, % of one core: ingestion ${cpu('ingestion').toFixed(1)} (node ${cpu('ingestion', 'rootSeconds').toFixed(1)}, ${ffmpegs} ffmpeg ` +
        `${cpu('ingestion', 'childSeconds').toFixed(1)}), inference ${cpu('inference').toFixed(1)} (${instances} instance(s)), reporting ${cpu('reporting').toFixed(1)}; ` +
        `Hallwatch ${hallwatch.toFixed(1)} = ${(hallwatch / cameras).toFixed(2)} per camera`,
    );
    console.log(
      `${tag} not Hallwatch, % of one core: camera simulator ${cpu('simulator').toFixed(1)}, NATS ${cpu('nats').toFixed(1)}, FerretDB ${cpu('ferretdb').toFixed(1)}`,
    );
    console.log(
      `${tag} peak memory (PSS) MB: ingestion ${mb('ingestion')} + ffmpeg ${mb('ingestion children')} (${((peakMemory['ingestion children'] ?? 0) / MB / Math.max(1, ffmpegs)).toFixed(1)} each), ` +
        `inference ${inferences.map((_, i) => mb(`inference-${i + 1}`)).join(' + ')}, reporting ${mb('reporting')}; NATS ${mb('nats')}, FerretDB ${mb('ferretdb')}`,
    );
    console.log(
      `${tag} frames sampled ${frames} (one per camera per ${SAMPLE_S} s: ${expected}), ${sampledRate.toFixed(2)}/s; judged ` +
        (judgedRate !== undefined ? `${judgedRate.toFixed(2)}/s` : 'unknown (an inference instance logged no two counts)') +
        `; dropped by inference ${dropped}; ${zonesInferred} zone(s) given to the detector in ${passes} pass(es) in inference's counts`,
    );
    console.log(`${tag} presence changes ${latencies.length}, capture to event p50 ${p50.toFixed(0)} ms p90 ${p90.toFixed(0)} ms`);
    // Capture is stamped when ingestion gets the decoded sample: the wait of ffmpeg for a core comes before it.
    console.log(
      `${tag} waiting for a core: ingestion's ffmpegs ${((1000 * waited('ingestion', 'childWaitSeconds')) / Math.max(1, frames)).toFixed(0)} ms per sample, ` +
        `inference's main threads ${((100 * waited('inference', 'rootWaitSeconds')) / elapsed / instances).toFixed(1)} % of the time`,
    );
    console.log(
      `${tag} kept up: ${keptUp ? 'yes' : `no (${judgedCameras.size} of ${cameras} cameras decided a change)`}; ${camerasPerCore.toFixed(1)} cameras per core of Hallwatch's own processes`,
    );
    console.log(
      `district: ${cameras} cameras ${keptUp ? 'kept up' : 'not kept up'} on ${cores} cores, all processes ${machine.toFixed(1)} % of the machine ` +
        `(hallwatch ${ofMachine(hallwatch).toFixed(1)} %, nats ${ofMachine(cpu('nats')).toFixed(1)} %, database ${ofMachine(cpu('ferretdb')).toFixed(1)} %), ` +
        `presence p50 ${p50.toFixed(0)} ms p90 ${p90.toFixed(0)} ms`,
    );
    return { cameras, keptUp, camerasPerCore, machine, p50, p90 };
  } finally {
    await stopInTurn(processes, PROFILE_DIR ? 20000 : 5000);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const counts = process.argv.includes('--cameras') ? [option('cameras', 20)] : [20, 60, 120];
  // The WASM detector runs on one thread: one inference instance per core uses the machine.
  const instances = option('inference', os.cpus().length);
  const warmupS = option('warmup', 60);
  const seconds = option('seconds', 120);
  if (seconds < 65) throw new Error('--seconds must be at least 65: inference logs its count of judged frames every 30 s');
  const zones = (JSON.parse(fs.readFileSync(path.join(MEDIA, 'classroom-seated.zones.json'), 'utf8')) as { zones: Zone[] }).zones;
  const stream = streamOption();
  const clips = makeClips(zones, stream);
  console.log(
    `e2e: footage classroom-seated.mp4 (Intel IoT devkit sample-videos, CC BY 4.0) at ${sizeText(stream)}; machine: ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`,
  );
  const results: RunResult[] = [];
  for (const n of counts) results.push(await run(n, instances, warmupS, seconds, clips, stream, zones));
  const best = results.filter((r) => r.keptUp).pop();
  if (!best) {
    console.log(`end to end: no run kept up (${counts.join(', ')} cameras)`);
    process.exitCode = 1;
    return;
  }
  console.log(
    `end to end: ${best.cameras} cameras, ${best.camerasPerCore.toFixed(1)} cameras per core, presence p50 ${best.p50.toFixed(0)} ms p90 ${best.p90.toFixed(0)} ms`,
  );
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (err) => {
    console.error(`bench:e2e: ${(err as Error).message}`);
    process.exit(1);
  },
);
