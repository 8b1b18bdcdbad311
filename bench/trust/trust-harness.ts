// The trust harness's stack and operations: the processes, cameras and faults it runs, and the streams it reads back.
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureFerretDb, ensureNats, freePort } from '@hallwatch/runtime';
import { startRtspServer } from '../../apps/cli/src/demo-camera';
import { coverSeats, gop, H264, startService } from '../support';
import { describe, Feed, Operation, Skew, skewAccepted, ZoneKind } from './ground-truth';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const MEDIA = path.join(ROOT, 'test', 'media');
/** The fault tests' detector module: the real one, hanging while a flag file exists. */
const HANGING_DETECTOR = path.join(ROOT, 'test', 'support', 'hanging-detector.js');
/** Half of the clip: this long staffed, then this long covered. */
const HALF_MS = 40_000;
const FPS = 10;
/**
 * The documented detection latency: a change needs confirmSamples agreeing samples over
 * confirmAfter (below: 2 samples, 3 s, one sample a second); a camera that sends nothing is
 * offline after ingestion's stall timeout and its windows unknown; a frozen one after
 * rules.frozenAfter. Time inside this margin after the truth changed is not counted.
 */
const TOLERANCE_MS = 20_000;
/** Capture times are stamped on arrival and the feeder's start is taken from its spawn: allow a little on the other side too. */
const EARLY_MS = 3_000;
const SERVICES = ['ingestion', 'inference', 'reporting'] as const;
/** Debian's libfaketime (package faketime): a process whose clock runs off the host's, for clock-skew. */
const FAKETIME_LIBRARIES = [
  '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1',
  '/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1',
  '/usr/lib/faketime/libfaketime.so.1',
];
type Service = (typeof SERVICES)[number];

interface Camera {
  id: string;
  mount: string;
  udpPort: number;
  feeds: Feed[];
  feeder?: ChildProcess;
}

interface Window {
  id: string;
  camera: string;
  zone: 'A' | 'B' | 'E';
  kind: ZoneKind;
  /** When the site file had it: [added, removed). */
  from: number;
  to?: number;
}

const ZONES = JSON.parse(fs.readFileSync(path.join(MEDIA, 'classroom-seated.zones.json'), 'utf8')) as {
  zones: { id: string; polygon: [number, number][] }[];
};
const polygon = (id: string) => JSON.stringify(ZONES.zones.find((z) => z.id === id)!.polygon);

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** The looping clip (seats A-D covered for its second half) and two stills of it for a frozen camera. */
function makeClips(dir: string): { clip: string; stills: string[] } {
  const covers = coverSeats(ZONES.zones, ['A', 'B', 'C', 'D'], HALF_MS / 1000);
  const encode = [...H264, ...gop(FPS)];
  const ffmpeg = (...args: string[]) => execFileSync('ffmpeg', ['-loglevel', 'error', '-y', ...args]);
  const clip = path.join(dir, 'seats.mp4');
  ffmpeg(
    '-stream_loop',
    '-1',
    '-i',
    path.join(MEDIA, 'classroom-seated.mp4'),
    '-t',
    String((2 * HALF_MS) / 1000),
    '-vf',
    [`scale=640:360`, `fps=${FPS}`, ...covers].join(','),
    ...encode,
    clip,
  );
  // A frozen encoder repeats one picture: a still of the staffed half and one of the covered half.
  const stills = [5, HALF_MS / 1000 + 5].map((t, i) => {
    const png = path.join(dir, `still-${i}.png`);
    ffmpeg('-ss', String(t), '-i', clip, '-frames:v', '1', png);
    const still = path.join(dir, `still-${i}.mp4`);
    // All-intra at a fixed quality: every frame decodes to the same picture, as when an RTSP server repeats its last frame.
    ffmpeg('-loop', '1', '-i', png, '-t', '10', '-r', String(FPS), ...H264, '-g', '1', '-qp', '20', still);
    return still;
  });
  return { clip, stills };
}

class Harness {
  readonly started = Date.now();
  readonly log: string[] = [];
  readonly blackouts: [number, number][] = [];
  readonly skews: Skew[] = [];
  private readonly processes = new Map<Service, ChildProcess>();
  private readonly feeders = new Set<ChildProcess>();
  private natsProcess?: ChildProcess;
  private dbProcess?: ChildProcess;
  natsUrl = '';
  mongoUri = '';
  private siteFile = '';
  private rtsp?: ChildProcess;
  private env: Record<string, string> = {};
  private detectorEnv: Record<string, string> = {};
  private get hangFlag(): string {
    return path.join(this.dir, 'detector-hang');
  }

  constructor(
    private readonly dir: string,
    private readonly clips: { clip: string; stills: string[] },
    readonly cameras: Camera[],
    readonly windows: Window[],
    private readonly logDir?: string,
  ) {}

  note(text: string): void {
    this.log.push(`+${((Date.now() - this.started) / 1000).toFixed(1)} s ${text}`);
  }

  async start(): Promise<void> {
    const [natsPort, dbPort, rtspPort] = [await freePort(), await freePort(), await freePort()];
    await this.startNats(natsPort);
    await this.startDatabase(dbPort);
    this.rtsp = await startRtspServer(rtspPort, Object.fromEntries(this.cameras.map((c) => [c.mount, `udp:${c.udpPort}`])));
    for (const c of this.cameras) this.feed(c, 'live');
    this.siteFile = path.join(this.dir, 'site.yaml');
    this.writeSite(rtspPort);
    // No metrics listeners: runs of the harness side by side would compete for the default ports.
    this.env = {
      HALLWATCH_SITE: this.siteFile,
      NATS_URL: this.natsUrl,
      MONGODB_URI: this.mongoUri,
      HALLWATCH_DATA_DIR: this.dir,
      HALLWATCH_METRICS_PORT: '0',
    };
    // The real detector, whose passes block their thread while the flag file exists (a detector-hang operation).
    this.detectorEnv = { HALLWATCH_DETECTOR_MODULE: HANGING_DETECTOR, HALLWATCH_TEST_DETECTOR_HANG: this.hangFlag };
    await Promise.all(SERVICES.map((s) => this.startService(s)));
  }

  private rtspPort = 0;

  writeSite(rtspPort = this.rtspPort): void {
    this.rtspPort = rtspPort;
    const now = Date.now();
    const live = this.windows.filter((w) => w.from <= now && (w.to === undefined || w.to > now));
    fs.writeFileSync(
      this.siteFile,
      `timezone: Asia/Shanghai
halls:
${this.cameras.map((c, i) => `  - { id: h${i + 1}, name: hall ${i + 1}, kind: hall }`).join('\n')}
cameras:
${this.cameras.map((c, i) => `  - { id: ${c.id}, hall: h${i + 1}, rtsp: "rtsp://127.0.0.1:${rtspPort}${c.mount}", sampleEverySeconds: 1 }`).join('\n')}
windows:
${live.map((w) => `  - { id: ${w.id}, hall: h${this.cameras.findIndex((c) => c.id === w.camera) + 1}, name: ${w.id}, department: trust, camera: ${w.camera}, zone: ${polygon(w.zone)} }`).join('\n')}
schedules:
  default: { weekdays: [mon, tue, wed, thu, fri, sat, sun], open: ["00:00-24:00"] }
rules: { absenceAfter: 20s, confirmSamples: 2, confirmAfter: 3s, frozenAfter: 10s }
`,
    );
  }

  private async startNats(port: number): Promise<void> {
    const nats = await ensureNats(undefined, this.dir, port);
    this.natsUrl = nats.url;
    this.natsProcess = nats.process;
  }

  private async startDatabase(port: number): Promise<void> {
    const db = await ensureFerretDb(undefined, this.dir, port, '');
    this.mongoUri = `${db.url.replace(/\/$/, '')}/trust`;
    this.dbProcess = db.process;
  }

  async startService(service: Service, extra: Record<string, string> = {}): Promise<void> {
    const out = this.logDir ? fs.openSync(path.join(this.logDir, `${service}.log`), 'a') : undefined;
    const env = { ...this.env, ...(service === 'inference' ? this.detectorEnv : {}), HALLWATCH_INSTANCE: `trust-${service}`, ...extra };
    const s = startService(service, env, undefined, (line) => {
      if (out !== undefined) fs.writeSync(out, `${line}\n`);
    });
    this.processes.set(service, s.child);
    await s.started;
  }

  /** Starts a camera's feeder: the live clip from its start, or a still (a frozen encoder); 'none' stops it. */
  feed(camera: Camera, kind: Feed['kind'], still = 0): void {
    camera.feeder?.kill('SIGKILL');
    camera.feeder = undefined;
    const from = Date.now();
    if (kind !== 'none') {
      const file = kind === 'live' ? this.clips.clip : this.clips.stills[still];
      const feeder = spawn(
        'ffmpeg',
        [
          '-nostdin',
          '-loglevel',
          'error',
          '-re',
          '-stream_loop',
          '-1',
          '-i',
          file,
          '-an',
          '-c:v',
          'copy',
          '-f',
          'mpegts',
          `udp://127.0.0.1:${camera.udpPort}?pkt_size=1316`,
        ],
        { stdio: 'ignore' },
      );
      this.feeders.add(feeder);
      feeder.once('exit', () => this.feeders.delete(feeder));
      camera.feeder = feeder;
    }
    camera.feeds.push(kind === 'live' ? { from, kind, origin: from } : { from, kind });
  }

  async apply(op: Operation, still: number): Promise<void> {
    const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const camera = this.cameras.find((c) => c.id === op.target);
    const service = op.target as Service;
    this.note(describe(op).replace(/^\+\d+ s /, ''));
    switch (op.kind) {
      case 'camera-stop':
      case 'camera-freeze':
        this.feed(camera!, op.kind === 'camera-stop' ? 'none' : 'frozen', still);
        await wait(op.lasts);
        this.feed(camera!, 'live');
        break;
      case 'service-kill':
      case 'service-restart': {
        const from = Date.now();
        await this.stopService(service, op.kind === 'service-kill' ? 'SIGKILL' : 'SIGTERM');
        await wait(op.lasts);
        await this.startService(service);
        if (service === 'ingestion') this.blackouts.push([from, Date.now()]);
        break;
      }
      case 'service-pause': {
        const from = Date.now();
        this.processes.get(service)?.kill('SIGSTOP');
        await wait(op.lasts);
        this.processes.get(service)?.kill('SIGCONT');
        if (service === 'ingestion') this.blackouts.push([from, Date.now()]);
        break;
      }
      case 'nats-restart': {
        const from = Date.now();
        const port = Number(new URL(this.natsUrl).port);
        await stop(this.natsProcess, 'SIGKILL');
        await wait(op.lasts);
        await this.startNats(port);
        this.blackouts.push([from, Date.now()]);
        break;
      }
      case 'database-restart': {
        const port = Number(new URL(this.mongoUri).port);
        await stop(this.dbProcess, 'SIGKILL');
        await wait(op.lasts);
        await this.startDatabase(port);
        break;
      }
      case 'detector-hang': {
        // Every pass of the detector blocks; inference must time it out and leave the windows unjudged.
        // The cameras stay live meanwhile, so the truth is still the clip's: frames captured during
        // the hang and judged after it show what was really at the seat (no blackout).
        fs.writeFileSync(this.hangFlag, '');
        await wait(op.lasts);
        fs.rmSync(this.hangFlag, { force: true });
        break;
      }
      case 'clock-skew': {
        // The camera host's clock (ingestion stamps the capture times) runs off by skewMs, then is set right.
        const from = Date.now();
        await this.stopService('ingestion', 'SIGTERM');
        await this.startService('ingestion', skewedClock(op.skewMs!));
        const skewedFrom = Date.now();
        await wait(op.lasts);
        const skewedTo = Date.now();
        await this.stopService('ingestion', 'SIGTERM');
        await this.startService('ingestion');
        if (skewAccepted(op.skewMs!)) {
          this.blackouts.push([from, skewedFrom], [skewedTo, Date.now()]);
          this.skews.push({ from: skewedFrom, to: skewedTo, byMs: op.skewMs! });
        } else this.blackouts.push([from, Date.now()]);
        break;
      }
      case 'site-change': {
        // The third window of camera 1 comes and goes: added if missing, else removed; then every service restarts.
        const extra = this.windows.find((w) => w.id === 'W1-B')!;
        const now = Date.now();
        if (extra.from > now || (extra.to !== undefined && extra.to <= now)) {
          extra.from = now;
          extra.to = undefined;
        } else extra.to = now;
        this.writeSite();
        const from = Date.now();
        for (const s of SERVICES) await this.stopService(s, 'SIGTERM');
        await wait(op.lasts);
        await Promise.all(SERVICES.map((s) => this.startService(s)));
        this.blackouts.push([from, Date.now()]);
        break;
      }
    }
    this.note(`${op.kind} undone`);
  }

  private async stopService(service: Service, signal: NodeJS.Signals): Promise<void> {
    await stop(this.processes.get(service), signal);
    this.processes.delete(service);
  }

  async stopAll(): Promise<void> {
    for (const s of SERVICES) await this.stopService(s, 'SIGTERM');
    for (const f of this.feeders) f.kill('SIGKILL');
    await stop(this.rtsp, 'SIGTERM');
    await stop(this.natsProcess, 'SIGTERM');
    await stop(this.dbProcess, 'SIGTERM');
  }
}

/** The environment that sets a process's clock `skewMs` off the host's (timers keep the real pace). */
function skewedClock(skewMs: number): Record<string, string> {
  const library = FAKETIME_LIBRARIES.find((f) => fs.existsSync(f));
  if (!library)
    throw new Error(
      `clock-skew needs libfaketime (Debian package faketime, scripts/install-system-deps.sh): none of ${FAKETIME_LIBRARIES.join(', ')}`,
    );
  return { LD_PRELOAD: library, FAKETIME: `${skewMs > 0 ? '+' : ''}${(skewMs / 1000).toFixed(0)}`, FAKETIME_DONT_FAKE_MONOTONIC: '1' };
}

async function stop(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await Promise.race([exited, new Promise((r) => setTimeout(r, 8000))]);
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await exited;
  }
}

export type { Camera, Window };
export { EARLY_MS, flag, HALF_MS, Harness, makeClips, SERVICES, TOLERANCE_MS };
