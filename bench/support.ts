/**
 * What several benchmarks share: options, services as real processes, a generated site file and
 * case export, process CPU and memory from /proc, waiting for a log line, quantiles.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** A positive whole-number option `--name N`. */
export function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive whole number`);
  return value;
}

interface ProcessRow {
  pid: number;
  ppid: number;
  /** CPU ticks of the process itself (user + system). */
  own: number;
  /** CPU ticks of its children that ended and were reaped. */
  reaped: number;
}

/**
 * Proportional set size in bytes: resident memory with each shared page split among the processes
 * sharing it, so 40 ffmpegs do not count their common libraries 40 times.
 */
function pss(pid: number): number {
  try {
    const kb = /^Pss:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return kb ? Number(kb[1]) * 1024 : 0;
  } catch {
    return 0; // ended while we read
  }
}

/**
 * Seconds the process's main thread has spent runnable but waiting for a core (the second field of
 * /proc/PID/schedstat): what a busy machine adds to its latency.
 */
function runQueueWait(pid: number): number {
  try {
    return Number(fs.readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e9;
  } catch {
    return 0; // ended while we read
  }
}

/** Every process's parent and CPU ticks. */
function processTable(): ProcessRow[] {
  const rows: ProcessRow[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from #3 (state) on
      rows.push({
        pid: Number(entry),
        ppid: Number(fields[1]),
        own: Number(fields[11]) + Number(fields[12]),
        reaped: Number(fields[13]) + Number(fields[14]),
      });
    } catch {
      // the process ended while we read
    }
  }
  return rows;
}

export interface TreeUsage {
  /** CPU seconds of the root process itself. */
  rootSeconds: number;
  /** CPU seconds of its descendants, living or reaped. */
  childSeconds: number;
  /** Memory (PSS) of the root and of its living descendants. */
  rootMemory: number;
  childMemory: number;
  /** Processes in the tree now, the root included. */
  processes: number;
  /** Seconds the root's main thread, and the main threads of its living descendants, waited for a core. */
  rootWaitSeconds: number;
  childWaitSeconds: number;
}

/** CPU time so far and memory now of a process and all its descendants. */
export function treeUsage(root: number): TreeUsage {
  const table = processTable();
  const inTree = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of table) if (!inTree.has(p.pid) && inTree.has(p.ppid)) grew = !!inTree.add(p.pid);
  }
  const rootRow = table.find((p) => p.pid === root);
  const children = table.filter((p) => inTree.has(p.pid) && p.pid !== root);
  return {
    rootSeconds: (rootRow?.own ?? 0) / CLK_TCK,
    childSeconds: (children.reduce((sum, p) => sum + p.own, 0) + (rootRow?.reaped ?? 0)) / CLK_TCK,
    rootMemory: pss(root),
    childMemory: children.reduce((sum, p) => sum + pss(p.pid), 0),
    processes: inTree.size,
    rootWaitSeconds: runQueueWait(root),
    childWaitSeconds: children.reduce((sum, p) => sum + runQueueWait(p.pid), 0),
  };
}

/**
 * `hallwatch start <service>` as a real process (from dist/), its output kept (the tail) and
 * scanned line by line; `started` resolves on its "<service> started" log line. With
 * `profileDir`, it writes a V8 CPU profile there when it stops.
 */
export function startService(
  service: string,
  env: Record<string, string>,
  profileDir?: string,
  onLine: (line: string) => void = () => undefined,
): { child: ChildProcess; output: () => string; started: Promise<void> } {
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(process.execPath, [...profile, path.resolve(__dirname, '..', '..', 'bin', 'hallwatch.js'), 'start', service], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  let partial = '';
  let started: () => void = () => undefined;
  const startedPromise = new Promise<void>((resolve, reject) => {
    started = resolve;
    child.once('exit', (code) => reject(new Error(`${service} exited (${code}):\n${tail.slice(-3000)}`)));
  });
  startedPromise.catch(() => undefined); // awaited by the caller; an exit later only ends the run
  const take = (d: Buffer) => {
    tail = (tail + d).slice(-20000);
    const lines = (partial + d).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line.includes(`"${service} started"`)) started();
      onLine(line);
    }
  };
  child.stdout!.on('data', take);
  child.stderr!.on('data', take);
  return { child, output: () => tail, started: startedPromise };
}

/**
 * A site file of `halls` halls with one camera each and `windows` windows dealt over them (Mon-Fri,
 * 09:00-12:00 and 13:00-17:00), for benchmarks that need many windows but no real camera.
 */
/**
 * A queue system's case export of `rows` cases: row i on windows[i % windows.length] and staff
 * S(i % staff), spread over the workdays of `month` (YYYY-MM, 31 days tried) and the opening hours.
 */
export function casesCsv(rows: number, windows: readonly string[], month: string, staff: number): string {
  const header = 'caseId,windowId,staffId,serviceItem,takenAt,calledAt,startedAt,finishedAt,deadline,status,satisfaction';
  const workdays = Array.from({ length: 31 }, (_, d) => `${month}-${String(d + 1).padStart(2, '0')}`).filter(
    (d) => !Number.isNaN(Date.parse(`${d}T12:00:00Z`)) && ![0, 6].includes(new Date(`${d}T12:00:00Z`).getUTCDay()),
  );
  const lines = [header];
  for (let i = 0; i < rows; i++) {
    const date = workdays[i % workdays.length];
    const minute = 9 * 60 + ((i * 7) % 420);
    const t = (m: number) =>
      `${date}T${String(Math.floor((minute + m) / 60)).padStart(2, '0')}:${String((minute + m) % 60).padStart(2, '0')}:00+08:00`;
    lines.push(
      [
        `C${i}`,
        windows[i % windows.length],
        `S${i % staff}`,
        '营业执照',
        t(0),
        t(3),
        t(3),
        t(12),
        t(30),
        'completed',
        String(1 + (i % 5)),
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

export function generatedSite(halls: number, windows: number): string {
  const hallLines = Array.from({ length: halls }, (_, h) => `  - { id: H${h}, name: Hall ${h}, kind: hall }`);
  const cameras = Array.from({ length: halls }, (_, h) => `  - { id: cam${h}, hall: H${h}, rtsp: "rtsp://127.0.0.1:9/h${h}" }`);
  const windowLines = Array.from(
    { length: windows },
    (_, w) =>
      `  - { id: W${w}, hall: H${w % halls}, name: Window ${w}, department: D${w % 7}, camera: cam${w % halls}, zone: [[0,0],[1,0],[1,1]] }`,
  );
  return `timezone: Asia/Shanghai\nhalls:\n${hallLines.join('\n')}\ncameras:\n${cameras.join('\n')}\nwindows:\n${windowLines.join('\n')}\nschedules:\n  default: { weekdays: [mon, tue, wed, thu, fri], open: ["09:00-12:00", "13:00-17:00"] }\n`;
}

/** Resolves when the child prints `text` on stdout; rejects on timeout or exit. */
/**
 * Stops the processes last-started first, each with SIGTERM and `graceMs` to exit before SIGKILL:
 * services first, while NATS and the database still answer, so one that ends by itself writes
 * its CPU profile.
 */
export async function stopInTurn(processes: readonly ChildProcess[], graceMs: number): Promise<void> {
  for (const p of [...processes].reverse()) {
    if (p.exitCode !== null || p.signalCode !== null) continue;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, graceMs))]);
    if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  }
}

export function waitForLine(child: ChildProcess, text: string, timeoutMs: number): Promise<void> {
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${text}" within ${timeoutMs} ms:\n${output.slice(-2000)}`)), timeoutMs);
    const check = (d: Buffer) => {
      output += d;
      if (output.includes(text)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    child.stderr?.on('data', (d) => (output += d));
    child.once('exit', (code) => reject(new Error(`exited (${code}) before "${text}":\n${output.slice(-2000)}`)));
  });
}

export const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};

/** ffmpeg's arguments for a quick H.264 encode without sound. */
export const H264 = ['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-an'];

/** ffmpeg's arguments for keyframes exactly every `frames` frames (a camera's fixed GOP). */
export const gop = (frames: number) => ['-g', String(frames), '-keyint_min', String(frames), '-sc_threshold', '0'];

/**
 * drawbox filters that cover the given zones of classroom-seated.mp4 (A-D are its seated people)
 * with grey from `fromSeconds` on: empty seats by construction, never by the detector.
 */
export function coverSeats(zones: { id: string; polygon: [number, number][] }[], ids: readonly string[], fromSeconds: number): string[] {
  return zones
    .filter((z) => ids.includes(z.id))
    .map((z) => {
      const xs = z.polygon.map((p) => p[0]);
      const ys = z.polygon.map((p) => p[1]);
      const [x, y] = [Math.min(...xs), Math.min(...ys)];
      const [w, h] = [Math.max(...xs) - x, Math.max(...ys) - y];
      return `drawbox=x=iw*${x}:y=ih*${y}:w=iw*${w.toFixed(3)}:h=ih*${h.toFixed(3)}:color=0x808080:t=fill:enable='gte(t,${fromSeconds})'`;
    });
}
