import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { connect, NatsConnection } from 'nats';
import { freePort, hashPassword, NatsAdapter } from '@hallwatch/runtime';

export const ROOT = path.resolve(__dirname, '..', '..');
export const MEDIA = path.join(ROOT, 'test', 'media');
const CLI = path.join(ROOT, 'bin', 'hallwatch.js');

/** A private database name on the test FerretDB. */
export function testDatabaseUri(prefix = 'e2e'): string {
  return `${process.env.HALLWATCH_TEST_MONGODB}/${prefix}_${randomBytes(4).toString('hex')}`;
}

export function writeSiteFile(yaml: string): string {
  const dir = fs.mkdtempSync(path.join(process.env.HALLWATCH_TEST_DATA_DIR ?? '/tmp', 'site-'));
  const file = path.join(dir, 'site.yaml');
  fs.writeFileSync(file, yaml);
  return file;
}

export { freePort };

/** A NatsAdapter on the test NATS server, as one process of a service holds it (close it after). */
export function testNats(name: string): NatsAdapter {
  return new NatsAdapter({ natsUrl: process.env.HALLWATCH_TEST_NATS_URL!, name, replicas: 1 });
}

/** A finished `hallwatch` command: its exit status and output. */
export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `hallwatch ...args` with the services' environment (and the test NATS for the write lock,
 * unless `env` names another).
 * Asynchronous on purpose: a test blocked in spawnSync cannot see the gateway close its idle
 * keep-alive connections, and its next request then fails with "other side closed".
 */
export function runCli(
  args: readonly string[],
  env: Record<string, string>,
  timeoutMs = 120_000,
  /** Called with its standard error as it comes (e.g. import progress). */
  onStderr?: (text: string) => void,
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'hallwatch.js'), ...args], {
      env: { ...process.env, NATS_URL: process.env.HALLWATCH_TEST_NATS_URL!, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      onStderr?.(stderr);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

export interface RunningService {
  process: ChildProcess;
  /** Everything the service printed so far. */
  output: () => string;
  stop: () => Promise<void>;
}

/** Every service this test file started and has not stopped; test/setup/e2e-environment.js stops them after the file. */
const runningServices = (globalThis as unknown as { hallwatchServices: Set<RunningService> }).hallwatchServices;

/** Runs `hallwatch start <service>` as a real process and waits until it says it started. */
export async function startService(service: string, env: Record<string, string>, timeoutMs = 60000): Promise<RunningService> {
  const child = spawn(process.execPath, [CLI, 'start', service], {
    env: { ...process.env, NATS_URL: process.env.HALLWATCH_TEST_NATS_URL!, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const stop = async () => {
    runningServices.delete(running);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 5000)))]);
    clearTimeout(timer);
    child.kill('SIGKILL');
  };
  const running: RunningService = { process: child, output: () => output, stop };
  runningServices.add(running);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${service} did not start in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const check = () => {
      if (output.includes(`"${service} started"`)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${service} exited with ${code} while starting:\n${output}`));
    });
  });
  return running;
}

/** What startStack starts: the site, the services and the users a test signs in as. */
export interface StackOptions {
  /** Names the test's own database and its JWT secret. */
  name: string;
  /** The site file, given the passwordHash of `password` for its users. */
  site: (passwordHash: string) => string;
  password: string;
  /** Signed in once the services are up: their tokens are `tokens[username]`. */
  users?: readonly string[];
  /** Started side by side; reporting and the gateway unless given. */
  services?: readonly string[];
  /** Added to (or overriding) the services' environment. */
  env?: Record<string, string>;
  startTimeoutMs?: number;
  /** Runs once the environment is made and NATS connected, before any service starts (to seed the database, subscribe, ...). */
  beforeServices?: (stack: { env: Record<string, string>; nc: NatsConnection }) => Promise<void>;
}

/** A test's running services on its own database and site, with NATS and the gateway at hand. */
export interface Stack {
  base: string;
  /** The services' environment (for a CLI run or a service started later). */
  env: Record<string, string>;
  services: RunningService[];
  tokens: Record<string, string>;
  nc: NatsConnection;
  /** One request as `token` (a token or a wall key), whatever it answers. */
  call: (method: string, path: string, token: string, body?: unknown) => Promise<Response>;
  /** The status and JSON body of one request. */
  answer: <T>(method: string, path: string, token: string, body?: unknown) => Promise<{ status: number; body: T }>;
  /** The JSON body of a GET answered 200; anything else throws with the status and body. */
  get: <T>(path: string, token: string) => Promise<T>;
  stop: () => Promise<void>;
}

/** Where most API tests begin: the site file written, the services started on a database of their own, the users signed in. */
export async function startStack(options: StackOptions): Promise<Stack> {
  const port = await freePort();
  const env = {
    HALLWATCH_SITE: writeSiteFile(options.site(await hashPassword(options.password))),
    MONGODB_URI: testDatabaseUri(options.name),
    PORT: String(port),
    HALLWATCH_JWT_SECRET: `e2e-${options.name}`,
    ...options.env,
  };
  const nc = await connect({ servers: process.env.HALLWATCH_TEST_NATS_URL });
  const services: RunningService[] = [];
  const stop = async () => {
    await nc.drain();
    await Promise.all(services.map((s) => s.stop()));
  };
  const base = `http://127.0.0.1:${port}`;
  const tokens: Record<string, string> = {};
  try {
    await options.beforeServices?.({ env, nc });
    const names = options.services ?? ['reporting', 'gateway'];
    services.push(...(await Promise.all(names.map((name) => startService(name, env, options.startTimeoutMs)))));
    for (const user of options.users ?? []) tokens[user] = await login(base, user, options.password);
  } catch (err) {
    // The test never gets the stack to stop: nothing of it may outlive a failed start.
    await stop();
    throw err;
  }
  const call = (method: string, path: string, token: string, body?: unknown) => callApi(base, method, path, token, body);
  return {
    base,
    env,
    services,
    tokens,
    nc,
    call,
    answer: async <T>(method: string, path: string, token: string, body?: unknown) => {
      const res = await call(method, path, token, body);
      return { status: res.status, body: (await res.json()) as T };
    },
    get: async <T>(path: string, token: string) => {
      const res = await call('GET', path, token);
      if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${await res.text()}`);
      return (await res.json()) as T;
    },
    stop,
  };
}

/** One request to the gateway as `token`'s user (a token or a wall key), with a JSON body when one is given. */
export function callApi(baseUrl: string, method: string, path: string, token: string, body?: unknown): Promise<Response> {
  return fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

export async function login(baseUrl: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login as ${username} answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

/** Polls until `probe` returns a value that is not undefined, or fails with the last error. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 30000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${(last as Error).message}` : ''}`);
}
