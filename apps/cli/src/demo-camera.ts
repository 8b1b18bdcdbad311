import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT, readEnv, SiteConfig } from '@hallwatch/config';
import { HallwatchLogger, isListening } from '@hallwatch/runtime';

const RTSP_SERVER = path.join(PROJECT_ROOT, 'deploy', 'rtsp', 'rtsp-server.py');

/** Starts deploy/rtsp/rtsp-server.py and resolves once it prints "ready". */
export function startRtspServer(port: number, mounts: Record<string, string>): Promise<ChildProcess> {
  const args = [RTSP_SERVER, '--port', String(port)];
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
