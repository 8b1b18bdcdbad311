/**
 * `npm run bench:soak -- --hours H [--cameras N] [--logs DIR]`: the whole stack for H hours (a
 * fraction such as 0.25 is fine) and what its memory does meanwhile (issue 20, item 8: bounded memory).
 *
 * N simulated cameras (default 4, two halls; GStreamer's RTSP server looping the seated clip of
 * test/media, whose people come and go) feed ingestion, inference, reporting and the gateway as
 * real processes on a private nats-server and FerretDB, while a console-like client reads the
 * board every 10 s and keeps a push stream open, reconnecting it every minute. After a warm-up
 * (2 min, or a tenth of the run if shorter) it takes each service's resident memory (VmRSS) and
 * again at the end, printing a line every 10 minutes and last:
 * `soak: H h, rss growth ingestion X MB, inference Y MB, reporting Z MB, gateway W MB`.
 * A service that exits meanwhile ends the run with exit status 1.
 */
import 'reflect-metadata';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureFerretDb, ensureNats, freePort } from '@hallwatch/runtime';
import { startRtspServer } from '../apps/cli/src/demo-camera';
import { option, startService } from './support';

const ROOT = path.resolve(__dirname, '..', '..');
const CLIP = path.join(ROOT, 'test', 'media', 'classroom-seated.mp4');
const SERVICES = ['ingestion', 'inference', 'reporting', 'gateway'] as const;
const MB = 1024 * 1024;
const PROGRESS_MS = 10 * 60_000;
const ADMIN_PASSWORD = 'soak-admin-password';
/** Two seats of the seated clip and an empty stretch of wall (the zones need not be right: memory is measured, not judgement). */
const ZONES = [
  [
    [0.05, 0.45],
    [0.3, 0.45],
    [0.3, 0.95],
    [0.05, 0.95],
  ],
  [
    [0.35, 0.45],
    [0.6, 0.45],
    [0.6, 0.95],
    [0.35, 0.95],
  ],
  [
    [0.7, 0.0],
    [0.95, 0.0],
    [0.95, 0.2],
    [0.7, 0.2],
  ],
];

function hoursOption(): number {
  const i = process.argv.indexOf('--hours');
  const hours = i >= 0 ? Number(process.argv[i + 1]) : 2;
  if (!(hours > 0)) throw new Error('--hours must be a positive number of hours (e.g. 2, or 0.25)');
  return hours;
}

function rss(pid: number | undefined): number {
  try {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return kb ? Number(kb[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function siteYaml(cameras: number, rtspPort: number): string {
  const lines = Array.from({ length: cameras }, (_, i) => ({ camera: `cam-${i + 1}`, hall: `h${(i % 2) + 1}` }));
  return `timezone: Asia/Shanghai
halls:
  - { id: h1, name: soak hall 1, kind: hall }
  - { id: h2, name: soak hall 2, kind: township }
cameras:
${lines.map(({ camera, hall }, i) => `  - { id: ${camera}, hall: ${hall}, rtsp: "rtsp://127.0.0.1:${rtspPort}/cam${i + 1}", sampleEverySeconds: 2 }`).join('\n')}
windows:
${lines
  .flatMap(({ camera, hall }, i) =>
    ZONES.map(
      (zone, z) =>
        `  - { id: W${i + 1}-${z + 1}, hall: ${hall}, name: window ${i + 1}-${z + 1}, department: soak, camera: ${camera}, zone: ${JSON.stringify(zone)} }`,
    ),
  )
  .join('\n')}
schedules:
  default: { weekdays: [mon, tue, wed, thu, fri, sat, sun], open: ["00:00-24:00"] }
rules: { absenceAfter: 30s, confirmSamples: 2, confirmAfter: 4s }
`;
}

/** The console's load: the board's reads every 10 s and a push stream, reopened every minute. */
function consoleLoad(base: string, stopped: () => boolean): Promise<void> {
  const reads = ['/api/site', '/api/windows/live', '/api/cameras/status', '/api/incidents?status=open'];
  return (async () => {
    let token = '';
    let stream: AbortController | undefined;
    let streamOpened = 0;
    while (!stopped()) {
      try {
        if (!token) {
          const res = await fetch(`${base}/api/auth/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
          });
          token = ((await res.json()) as { accessToken: string }).accessToken;
        }
        const headers = { authorization: `Bearer ${token}` };
        for (const read of reads) await (await fetch(`${base}${read}`, { headers })).arrayBuffer();
        if (Date.now() - streamOpened > 60_000) {
          stream?.abort();
          stream = new AbortController();
          streamOpened = Date.now();
          void fetch(`${base}/api/live/events`, { headers, signal: stream.signal })
            .then((res) => res.body?.pipeTo(new WritableStream()))
            .catch(() => undefined);
        }
      } catch {
        token = ''; // the gateway restarted or refused: sign in again
      }
      await new Promise((r) => setTimeout(r, 10_000));
    }
    stream?.abort();
  })();
}

async function main(): Promise<void> {
  const hours = hoursOption();
  const cameras = option('cameras', 4);
  const logDir = process.argv.includes('--logs') ? path.resolve(process.argv[process.argv.indexOf('--logs') + 1]) : undefined;
  if (logDir) fs.mkdirSync(logDir, { recursive: true });
  const durationMs = hours * 3_600_000;
  const warmupMs = Math.min(120_000, durationMs / 10);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hallwatch-soak-'));
  const helpers: ChildProcess[] = [];
  const services = new Map<string, ChildProcess>();
  let stopping = false;
  try {
    const rtspPort = await freePort();
    helpers.push(await startRtspServer(rtspPort, Object.fromEntries(Array.from({ length: cameras }, (_, i) => [`/cam${i + 1}`, CLIP]))));
    const nats = await ensureNats(undefined, dir, await freePort());
    const db = await ensureFerretDb(undefined, dir, 0, '');
    helpers.push(...[nats.process, db.process].filter((p): p is ChildProcess => p !== undefined));
    const siteFile = path.join(dir, 'site.yaml');
    fs.writeFileSync(siteFile, siteYaml(cameras, rtspPort));
    const port = await freePort();
    const env = {
      HALLWATCH_SITE: siteFile,
      NATS_URL: nats.url,
      MONGODB_URI: `${db.url.replace(/\/$/, '')}/soak`,
      HALLWATCH_DATA_DIR: dir,
      HALLWATCH_ADMIN_PASSWORD: ADMIN_PASSWORD,
      HALLWATCH_METRICS_PORT: '0',
      PORT: String(port),
    };
    const started: Promise<void>[] = [];
    const died = new Promise<never>((_, reject) => {
      for (const service of SERVICES) {
        const out = logDir ? fs.openSync(path.join(logDir, `${service}.log`), 'a') : undefined;
        const s = startService(service, { ...env, HALLWATCH_INSTANCE: `soak-${service}` }, undefined, (line) => {
          if (out !== undefined) fs.writeSync(out, `${line}\n`);
        });
        services.set(service, s.child);
        started.push(s.started);
        s.child.once('exit', (code, signal) => {
          if (!stopping) reject(new Error(`${service} exited (${code ?? signal}) during the soak:\n${s.output().slice(-2000)}`));
        });
      }
    });
    died.catch(() => undefined);
    const wait = (ms: number) => Promise.race([new Promise((r) => setTimeout(r, ms)), died]);
    await Promise.race([Promise.all(started), died]);
    console.log(`soak: ${hours} h with ${cameras} cameras; warm-up ${Math.round(warmupMs / 1000)} s; work in ${dir}`);
    await wait(warmupMs);
    const load = consoleLoad(`http://127.0.0.1:${port}`, () => stopping);
    const sample = () => Object.fromEntries(SERVICES.map((s) => [s, rss(services.get(s)?.pid)]));
    const start = sample();
    const mb = (bytes: number) => (bytes / MB).toFixed(1);
    const t0 = Date.now();
    console.log(`soak: start rss ${SERVICES.map((s) => `${s} ${mb(start[s])} MB`).join(', ')}`);
    while (Date.now() - t0 < durationMs) {
      await wait(Math.min(PROGRESS_MS, durationMs - (Date.now() - t0)));
      const now = sample();
      console.log(`soak: +${Math.round((Date.now() - t0) / 60_000)} min rss ${SERVICES.map((s) => `${s} ${mb(now[s])} MB`).join(', ')}`);
    }
    const end = sample();
    stopping = true;
    await load;
    console.log(`soak: ${hours} h, rss growth ${SERVICES.map((s) => `${s} ${mb(end[s] - start[s])} MB`).join(', ')}`);
  } finally {
    stopping = true;
    for (const child of services.values()) child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 3000));
    for (const child of [...services.values(), ...helpers]) child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`soak: ${(err as Error).message}`);
    process.exit(1);
  },
);
