import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { connect, JetStreamClient, NatsConnection } from 'nats';
import { encodeMessage, Subjects } from '@hallwatch/contracts';
import { ensureFerretDb, ensureNats, hashPassword, natsConnectionOptions } from '@hallwatch/runtime';
import { eventually, freePort, login, RunningService, startService, writeSiteFile } from './e2e';

/**
 * Servers a fault test owns, so it can kill them and start them again on the same port and data
 * (the shared servers of test/setup/global-setup.ts must stay up for the other files).
 */
export class OwnedServer {
  private constructor(
    readonly url: string,
    private process: ChildProcess | undefined,
    private readonly start: () => Promise<{ url: string; process?: ChildProcess }>,
  ) {}

  static async nats(dir: string, port?: number, extraArgs: string[] = [], env?: NodeJS.ProcessEnv): Promise<OwnedServer> {
    const p = port ?? (await freePort());
    const start = () => ensureNats(undefined, dir, p, extraArgs, env);
    const s = await start();
    return new OwnedServer(s.url, s.process, start);
  }

  static async ferretDb(dir: string): Promise<OwnedServer> {
    const first = await ensureFerretDb(undefined, dir, 0, '');
    const port = Number(/:(\d+)$/.exec(first.url.replace(/\/$/, ''))![1]);
    return new OwnedServer(first.url.replace(/\/$/, ''), first.process, () => ensureFerretDb(undefined, dir, port, ''));
  }

  /** Kills the server (SIGKILL: a crash, nothing flushed on the way out). */
  async kill(): Promise<void> {
    const p = this.process;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
  }

  /** Freezes the server (SIGSTOP): connections stay open, nothing is answered until resume(). */
  pause(): void {
    this.process?.kill('SIGSTOP');
  }

  resume(): void {
    this.process?.kill('SIGCONT');
  }

  async restart(): Promise<void> {
    this.process = (await this.start()).process;
  }

  async stop(): Promise<void> {
    await this.kill();
  }
}

/** A cluster of `size` nats-server nodes (n0, n1, ...) routed to each other, each with its own data under `dir`. */
export async function natsCluster(dir: string, size = 3): Promise<Map<string, OwnedServer>> {
  const ports = await Promise.all(Array.from({ length: size }, async () => ({ client: await freePort(), route: await freePort() })));
  const routes = ports.map((p) => `nats://127.0.0.1:${p.route}`);
  const nodes = new Map<string, OwnedServer>();
  await Promise.all(
    ports.map(async (p, i) => {
      const args = [
        '--name',
        `n${i}`,
        '--cluster_name',
        'hallwatch-e2e',
        '--cluster',
        routes[i],
        '--routes',
        routes.filter((_, j) => j !== i).join(','),
      ];
      nodes.set(`n${i}`, await OwnedServer.nats(path.join(dir, `n${i}`), p.client, args));
    }),
  );
  return nodes;
}

/** Waits until JetStream on a cluster has elected a meta leader and can place streams of `replicas` replicas. */
export async function clusterReady(nc: NatsConnection, replicas = 3): Promise<void> {
  const jsm = await nc.jetstreamManager({ checkAPI: false });
  await eventually(
    async () => {
      await jsm.streams.add({ name: 'E2E_PROBE', subjects: ['e2e.probe'], num_replicas: replicas });
      return jsm.streams.delete('E2E_PROBE');
    },
    60_000,
    1000,
  );
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(process.env.HALLWATCH_TEST_DATA_DIR ?? os.tmpdir(), `${prefix}-`));
}

export const PASSWORD = 'fault-test-pw';
/** A past Monday (Asia/Shanghai), so nothing of it is in the future or still open. */
export const DAY = '2024-03-04';
const at = (minutes: number) => new Date(Date.parse(`${DAY}T09:00:00+08:00`) + minutes * 60_000).toISOString();

/** One hall H1 with these windows (camera unreachable), open 09:00-17:00 on weekdays; user admin. */
export async function faultSite(windows: readonly string[]): Promise<string> {
  const hash = await hashPassword(PASSWORD);
  return writeSiteFile(`
timezone: Asia/Shanghai
halls:
  - { id: H1, name: City hall, kind: hall }
cameras:
  - { id: cam1, hall: H1, rtsp: "rtsp://127.0.0.1:9/none" }
windows:
${windows.map((w) => `  - { id: ${w}, hall: H1, name: ${w}, department: tax, camera: cam1, zone: [[0,0],[1,0],[1,1]] }`).join('\n')}
schedules:
  default: { weekdays: [mon, tue, wed, thu, fri], open: ["09:00-17:00"] }
users:
  - { username: admin, passwordHash: "${hash}", role: admin }
`);
}

/** A message as published: subject, body and the id JetStream deduplicates a retried publish by. */
export interface Event {
  subject: string;
  body: object | Buffer;
  id: string;
}

/**
 * Absence cycle `c` of a window: staffed from 09:00 + 30c min, absent 15 min from 09:15 + 30c
 * (over the 10 min threshold: one absence), staffed again at 09:30 + 30c; and its absence incident,
 * opened and closed. Cycles 0..15 fit in the day.
 */
export function cycleEvents(windowId: string, c: number): Event[] {
  const presence = (state: string, minute: number): Event => ({
    subject: Subjects.presence(windowId),
    body: { windowId, hallId: 'H1', state, since: at(minute), at: at(minute) },
    id: `${windowId}:${minute}:${state}`,
  });
  const incident = { id: `absence-${windowId}-${c}`, kind: 'absence', windowId, hallId: 'H1', openedAt: at(30 * c + 15) };
  return [
    presence('staffed', 30 * c),
    presence('absent', 30 * c + 15),
    { subject: Subjects.incident(windowId, 'opened'), body: incident, id: `${incident.id}:opened` },
    presence('staffed', 30 * c + 30),
    { subject: Subjects.incident(windowId, 'closed'), body: { ...incident, closedAt: at(30 * c + 30) }, id: `${incident.id}:closed` },
  ];
}

/** Every event of cycles [from, to) of each window. */
export function cyclesOf(windows: readonly string[], from: number, to: number): Event[] {
  return windows.flatMap((w) => Array.from({ length: to - from }, (_, i) => cycleEvents(w, from + i)).flat());
}

/**
 * A fault test's own stack: a nats-server (unless given the URL of a cluster the test runs), a
 * FerretDB, the services as real processes, a publisher connection and the gateway as admin.
 */
export class FaultStack {
  nats?: OwnedServer;
  db!: OwnedServer;
  services: RunningService[] = [];
  nc!: NatsConnection;
  api!: Api;
  /** The services' environment (for a CLI run beside them). */
  env: Record<string, string> = {};

  constructor(
    private readonly name: string,
    readonly windows: readonly string[],
  ) {}

  /** `prepare` runs on NATS before the services start (e.g. to leave streams as an earlier version did). */
  async start(
    services: readonly string[],
    options: { natsUrl?: string; env?: Record<string, string>; prepare?: (nc: NatsConnection) => Promise<void> } = {},
  ): Promise<void> {
    const dir = tempDir(this.name);
    this.db = await OwnedServer.ferretDb(dir);
    if (!options.natsUrl) this.nats = await OwnedServer.nats(dir);
    const natsUrl = options.natsUrl ?? this.nats!.url;
    this.nc = await connect(natsConnectionOptions(natsUrl, `e2e-${this.name}`));
    await options.prepare?.(this.nc);
    const port = await freePort();
    const env = {
      HALLWATCH_SITE: await faultSite(this.windows),
      NATS_URL: natsUrl,
      MONGODB_URI: `${this.db.url}/${this.name.replace(/\W/g, '_')}`,
      PORT: String(port),
      HALLWATCH_JWT_SECRET: `e2e-${this.name}`,
      ...options.env,
    };
    this.env = env;
    for (const service of services) this.services.push(await startService(service, env));
    this.api = await Api.login(`http://127.0.0.1:${port}`);
  }

  /** True while every service process is still running (none gave up on a lost server). */
  allRunning(): boolean {
    return this.services.every((s) => s.process.exitCode === null && s.process.signalCode === null);
  }

  async stop(): Promise<void> {
    await this.nc?.close();
    await Promise.all(this.services.map((s) => s.stop()));
    await Promise.all([this.nats?.stop(), this.db?.stop()]);
  }
}

/** Publishes each event until JetStream stores it (retrying through a NATS restart or leader change). */
export async function publishAll(js: JetStreamClient, events: readonly Event[], timeoutMs = 60_000): Promise<void> {
  for (const e of events) {
    const data = Buffer.isBuffer(e.body) ? e.body : encodeMessage(e.body);
    await eventually(() => js.publish(e.subject, data, { msgID: e.id, timeout: 2000 }).then(() => true), timeoutMs, 500);
  }
}

/** The gateway as an admin sees it. */
export class Api {
  private constructor(
    readonly base: string,
    private readonly token: string,
  ) {}

  static async login(base: string): Promise<Api> {
    return new Api(base, await eventually(() => login(base, 'admin', PASSWORD), 60_000));
  }

  async get<T>(p: string, timeoutMs = 15_000): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.base}${p}`, {
      headers: { authorization: `Bearer ${this.token}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: res.status, body: (await res.json()) as T };
  }

  health() {
    return this.get<{
      status: string;
      nats: string;
      deadLetters: number | null;
      deadLettersByStream: Record<string, number> | null;
      services: Record<string, { status: string; database?: string }>;
    }>('/api/health');
  }

  /** Attendance of DAY per window: absences from the presence intervals and absence incidents. */
  async absences(): Promise<Map<string, { absentPeriods: number; absenceMinutes: number; absenceIncidents: number }>> {
    const { status, body } = await this.get<Record<string, number & string>[]>(
      `/api/stats/attendance?from=${DAY}&to=${DAY}&groupBy=window`,
    );
    if (status !== 200) throw new Error(`attendance answered ${status}: ${JSON.stringify(body)}`);
    // In the order of expectedAbsences, so that the two compare as JSON.
    return new Map(
      body.map((r) => [
        r.window,
        { absentPeriods: r.absentPeriods, absenceMinutes: r.absenceMinutes, absenceIncidents: r.absenceIncidents ?? 0 },
      ]),
    );
  }

  /**
   * Polls until every window shows expectedAbsences(`cycles`); returns the
   * last table either way, for the caller to compare whole (so a surplus shows as one).
   */
  async untilAbsences(windows: readonly string[], cycles: number, timeoutMs = 60_000) {
    const deadline = Date.now() + timeoutMs;
    let table = new Map<string, { absentPeriods: number; absenceMinutes: number; absenceIncidents: number }>();
    for (;;) {
      table = await this.absences().catch(() => table);
      const want = expectedAbsences(windows, cycles);
      if (windows.every((w) => JSON.stringify(table.get(w)) === JSON.stringify(want[w]))) break;
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    return Object.fromEntries(windows.map((w) => [w, table.get(w)]));
  }
}

/** What untilAbsences must show when every event of `cycles` cycles was stored once. */
export function expectedAbsences(windows: readonly string[], cycles: number) {
  return Object.fromEntries(windows.map((w) => [w, { absentPeriods: cycles, absenceMinutes: 15 * cycles, absenceIncidents: cycles }]));
}
