import { ChildProcess, execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT, readEnv, SiteConfig } from '@hallwatch/config';
import { HallwatchLogger, isListening } from '@hallwatch/runtime';

const RTSP_SERVER = path.join(PROJECT_ROOT, 'deploy', 'rtsp', 'rtsp-server.py');
/**
 * The benchmark's camera simulator: every mount of one clip served from one shared pipeline, no
 * feeder per camera (so 120 mounts cost little). Not yet the demo's and the tests' server: the
 * frames it serves differ from the ffmpeg-fed server's, and the detector saw 3 of the classroom
 * clip's 4 seated persons in them (test/inference/counter-zones.e2e-spec.ts).
 */
export const CAMERA_SIMULATOR = path.join(PROJECT_ROOT, 'deploy', 'rtsp', 'camera-simulator.py');

/** Starts deploy/rtsp/rtsp-server.py (or `server`) and resolves once it prints "ready". */
export function startRtspServer(port: number, mounts: Record<string, string>, server = RTSP_SERVER): Promise<ChildProcess> {
  const args = [server, '--port', String(port)];
  for (const [mount, file] of Object.entries(mounts)) args.push('--mount', `${mount}=${file}`);
  const child = spawn('/usr/bin/python3', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d) => (err = (err + d).slice(-2000)));
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (d) => String(d).includes('ready') && resolve(child));
    child.once('exit', (code) => reject(new Error(`RTSP test server exited (${code}): ${err.trim()}`)));
    child.once('error', reject);
  });
}

/** What ffprobe found on one mount: its H.264 stream's size, or why it found none. */
export interface MountProbe {
  mount: string;
  width?: number;
  height?: number;
  problem?: string;
}

/** How many mounts are probed at once: a hundred ffprobes together would only time each other out. */
const PROBES_AT_ONCE = 8;
const PROBE_TIMEOUT_MS = 30_000;

/**
 * Asks ffprobe for the video stream of every mount of the RTSP server on `port`, as a camera's
 * first check would: a mount answers when ffprobe finds an H.264 stream with a size. Never throws;
 * each mount gets its answer (a benchmark checks every camera before it measures).
 */
export async function probeMounts(port: number, mounts: readonly string[]): Promise<MountProbe[]> {
  const probe = (mount: string) =>
    new Promise<MountProbe>((resolve) => {
      const url = `rtsp://127.0.0.1:${port}${mount}`;
      const args = [
        '-v',
        'error',
        '-rtsp_transport',
        'tcp',
        '-select_streams',
        'v:0',
        '-show_entries',
        'stream=codec_name,width,height',
        '-of',
        'json',
        url,
      ];
      execFile('ffprobe', args, { timeout: PROBE_TIMEOUT_MS }, (err, stdout, stderr) => {
        const stream = (() => {
          try {
            return (JSON.parse(stdout) as { streams?: { codec_name?: string; width?: number; height?: number }[] }).streams?.[0];
          } catch {
            return undefined;
          }
        })();
        if (stream?.codec_name === 'h264' && stream.width && stream.height) resolve({ mount, width: stream.width, height: stream.height });
        else
          resolve({
            mount,
            problem: stream ? `a ${stream.codec_name} stream, not H.264 with a size` : stderr.trim() || err?.message || 'no video stream',
          });
      });
    });
  const results: MountProbe[] = [];
  for (let i = 0; i < mounts.length; i += PROBES_AT_ONCE)
    results.push(...(await Promise.all(mounts.slice(i, i + PROBES_AT_ONCE).map(probe))));
  return results;
}

/** Serves the site file's demo clips (key `demo.clips`) at their cameras' rtsp:// addresses. */
export async function startDemoCamera(site: SiteConfig, log: HallwatchLogger): Promise<ChildProcess[]> {
  const byPort = new Map<number, Record<string, string>>();
  const siteDir = path.dirname(readEnv().sitePath);
  for (const [cameraId, clip] of Object.entries(site.demo?.clips ?? {})) {
    const url = new URL(site.cameras.find((c) => c.id === cameraId)!.rtsp!);
    const port = Number(url.port);
    const file = path.resolve(siteDir, clip);
    // A missing clip would only show as a camera failing for ever with "Invalid data found".
    if (!fs.existsSync(file)) throw new Error(`demo.clips.${cameraId}: no such file ${file}`);
    byPort.set(port, { ...byPort.get(port), [url.pathname]: file });
  }
  const servers: ChildProcess[] = [];
  for (const [port, mounts] of byPort) {
    if (await isListening('127.0.0.1', port)) {
      log.warn(`demo camera: port ${port} is already in use; not starting a demo RTSP server there`);
      continue;
    }
    servers.push(await startRtspServer(port, mounts));
    log.log(`demo camera: serving ${Object.keys(mounts).join(', ')} on rtsp://127.0.0.1:${port}`);
  }
  return servers;
}
