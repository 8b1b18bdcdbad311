import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from '@hallwatch/config';
import { isListening, waitForPort } from './port';

export interface Embedded {
  url: string;
  /** Set when this process started the server (and so should stop it). */
  process?: ChildProcess;
}

export const FERRETDB_BIN = path.join(PROJECT_ROOT, '.hallwatch', 'bin', 'ferretdb');
const NATS_PORT = 4222;
const FERRETDB_PORT = 27017;

/**
 * Runs scripts/install-system-deps.sh (what `npm start` and `npm test` run first), so that every
 * `hallwatch` command works right after `npm ci`. Its progress goes to stderr.
 */
function installSystemDeps(what: string): void {
  const script = path.join(PROJECT_ROOT, 'scripts', 'install-system-deps.sh');
  process.stderr.write(`${what} is missing: running ${script} (first time only)\n`);
  const run = spawnSync('bash', [script], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (run.status !== 0)
    throw new Error(`${what} is missing and ${script} failed (exit ${run.status}); run it by hand or set the server's URL`);
}

function commandExists(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function onEarlyExit(child: ChildProcess, what: string, log: () => string): Promise<never> {
  return new Promise((_, reject) => {
    child.once('error', (err) => reject(new Error(`${what} could not start: ${err.message}`)));
    child.once('exit', (code) => reject(new Error(`${what} exited with code ${code}: ${log().trim().slice(-500)}`)));
  });
}

/**
 * The NATS server to use: NATS_URL when set; else one already listening on 127.0.0.1:4222;
 * else a nats-server with JetStream started here (installed by scripts/install-system-deps.sh).
 * `extraArgs` go to nats-server as they are (tests: --cluster and --routes of a cluster node, or
 * -c with a configuration); `env` is its environment (a configuration's $VARIABLES), else this one's.
 */
export async function ensureNats(
  natsUrl: string | undefined,
  dataDir: string,
  port = NATS_PORT,
  extraArgs: string[] = [],
  env?: NodeJS.ProcessEnv,
): Promise<Embedded> {
  if (natsUrl) return { url: natsUrl };
  const url = `nats://127.0.0.1:${port}`;
  if (await isListening('127.0.0.1', port)) return { url };
  try {
    return await startNats(url, dataDir, port, extraArgs, env);
  } catch (err) {
    // As for FerretDB: a service started at the same moment may have won the port.
    if (await isListening('127.0.0.1', port)) return { url };
    throw err;
  }
}

async function startNats(url: string, dataDir: string, port: number, extraArgs: string[], env?: NodeJS.ProcessEnv): Promise<Embedded> {
  const storeDir = path.join(dataDir, 'nats');
  fs.mkdirSync(storeDir, { recursive: true });
  if (!commandExists('nats-server')) installSystemDeps('nats-server');
  let log = '';
  const child = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  child.stderr?.on('data', (d) => (log = (log + d).slice(-4000)));
  await Promise.race([
    waitForPort('127.0.0.1', port, 15000),
    onEarlyExit(child, 'nats-server (install it with scripts/install-system-deps.sh)', () => log),
  ]);
  return { url, process: child };
}

/**
 * The MongoDB-compatible database to use: MONGODB_URI when set; else a FerretDB already listening on
 * 127.0.0.1:port; else the embedded FerretDB (SQLite in dataDir/ferretdb) started here.
 * Pass port 0 to start a private instance on a free port (tests).
 */
export async function ensureFerretDb(
  mongodbUri: string | undefined,
  dataDir: string,
  port = FERRETDB_PORT,
  database = 'hallwatch',
): Promise<Embedded> {
  if (mongodbUri) return { url: mongodbUri };
  const shared = `mongodb://127.0.0.1:${port}/${database}`;
  if (port !== 0 && (await isListening('127.0.0.1', port))) return { url: shared };
  try {
    return await startFerretDb(dataDir, port, database);
  } catch (err) {
    // Two services started together both found the port free; the one that lost the race uses the winner's.
    if (port !== 0 && (await isListening('127.0.0.1', port))) return { url: shared };
    throw err;
  }
}

async function startFerretDb(dataDir: string, port: number, database: string): Promise<Embedded> {
  if (!fs.existsSync(FERRETDB_BIN)) installSystemDeps(`the embedded FerretDB (${FERRETDB_BIN})`);
  const dir = path.join(dataDir, 'ferretdb');
  let log = '';
  const child = spawn(FERRETDB_BIN, ['--listen-addr', `127.0.0.1:${port}`, '--data-dir', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr?.on('data', (d) => (log = (log + d).slice(-4000)));
  // The wrapper prints "ready mongodb://host:port/" once its listener is bound.
  const ready = new Promise<string>((resolve) => {
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
      const match = /ready mongodb:\/\/([^/\s]+)\//.exec(out);
      if (match) resolve(match[1]);
    });
  });
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`FerretDB did not start within 20 s: ${log.slice(-500)}`)), 20000).unref(),
  );
  const hostPort = await Promise.race([ready, onEarlyExit(child, 'FerretDB', () => log), timeout]);
  return { url: `mongodb://${hostPort}/${database}`, process: child };
}
