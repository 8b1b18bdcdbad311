import * as fs from 'node:fs';
import * as path from 'node:path';
import mongoose from 'mongoose';
import { connect, NatsConnection, StoredMsg, StringCodec } from 'nats';
import { LEASE_HEADER } from '../../apps/inference/src/repositories/nats.repository';
import { Streams } from '@hallwatch/contracts';
import type { ChildProcess } from 'node:child_process';
import { startRtspServer } from '../../apps/cli/src/demo-camera';
import { eventually, freePort, MEDIA, RunningService, startService, testDatabaseUri, writeSiteFile } from '../support/e2e';
import { stopProcess } from '../ingestion/ingestion-harness';
import { HALL_LEASE_BUCKET } from '../../apps/inference/src/repositories/hall-lease.repository';

/** Zones of the seated clip (A and D are staffed seats). */
const zones = JSON.parse(fs.readFileSync(path.join(MEDIA, 'classroom-seated.zones.json'), 'utf8')).zones as {
  id: string;
  polygon: number[][];
}[];
export const zone = (id: string) => JSON.stringify(zones.find((z) => z.id === id)!.polygon);
/** A seat-sized zone of the empty-room clip: nobody is ever in it. */
export const EMPTY_ZONE = '[[0.4, 0.3], [0.8, 0.3], [0.8, 0.9], [0.4, 0.9]]';

/**
 * A site file with one window, W-E of hall h1, on camera cam-empty (the empty-room clip at
 * `cameraPort`, path /empty), open around the clock, absences after 5 s; `users`: site-file user
 * lines, each `{ username, role, ... }`.
 */
export function emptyWindowSite(cameraPort: number, users: string[]): string {
  return writeSiteFile(`
timezone: Asia/Shanghai
halls:
  - { id: h1, name: 区行政审批服务大厅, kind: hall, minStaffedWindows: 0, schedule: always }
cameras:
  - { id: cam-empty, hall: h1, rtsp: "rtsp://127.0.0.1:${cameraPort}/empty", sampleEverySeconds: 1 }
windows:
  - { id: W-E, hall: h1, name: 3号窗口, department: 社保中心, camera: cam-empty, zone: ${EMPTY_ZONE} }
schedules:
  always: { weekdays: [mon, tue, wed, thu, fri, sat, sun], open: ["00:00-24:00"] }
rules: { absenceAfter: 5s, lateAfter: 1h, earlyLeaveBefore: 1s, gapAfter: 1h }
users:
${users.map((u) => `  - ${u}`).join('\n')}
`);
}

/** One RTSP server with two mounts: /seated (people at their desks) and /empty (an empty room). */
export function startCameras(port: number): Promise<ChildProcess> {
  return startRtspServer(port, { '/seated': path.join(MEDIA, 'classroom-seated.mp4'), '/empty': path.join(MEDIA, 'empty-room.mp4') });
}

/**
 * A site file with window W-A (staffed, camera cam-seated, hall h1) and W-E (always empty,
 * camera cam-empty, in hall `emptyHall`), open around the clock; absences after 5 s.
 */
export function twoWindowSite(
  port: number,
  emptyHall: 'h1' | 'h2',
  extra: { halls?: string; cameras?: string; windows?: string } = {},
): string {
  return writeSiteFile(`
halls:
  - { id: h1, name: 区行政审批服务大厅, kind: hall, minStaffedWindows: 0, schedule: always }
${emptyHall === 'h2' ? '  - { id: h2, name: 城关镇便民服务中心, kind: township, minStaffedWindows: 0, schedule: always }' : ''}
${extra.halls ?? ''}
cameras:
  - { id: cam-seated, hall: h1, rtsp: "rtsp://127.0.0.1:${port}/seated", sampleEverySeconds: 1 }
  - { id: cam-empty, hall: ${emptyHall}, rtsp: "rtsp://127.0.0.1:${port}/empty", sampleEverySeconds: 1 }
${extra.cameras ?? ''}
windows:
  - { id: W-A, hall: h1, name: 1号窗口, department: 市场监管局, camera: cam-seated, zone: ${zone('A')} }
  - { id: W-E, hall: ${emptyHall}, name: 2号窗口, department: 社保中心, camera: cam-empty, zone: ${EMPTY_ZONE} }
${extra.windows ?? ''}
schedules:
  always: { weekdays: [mon, tue, wed, thu, fri, sat, sun], open: ["00:00-24:00"] }
rules: { absenceAfter: 5s, lateAfter: 1h, earlyLeaveBefore: 1h, gapAfter: 1h }
`);
}

export interface PresenceEvent {
  windowId: string;
  hallId: string;
  state: string;
  since: string;
  at: string;
}

export interface IncidentEvent {
  id: string;
  kind: string;
  hallId: string;
  windowId?: string;
  cameraId?: string;
  staff?: string;
  openedAt: string;
  closedAt?: string;
}

/**
 * Reads what inference published since `connect`, as JetStream stored it (deduplicated), from the
 * test NATS. The e2e files of one jest run share that server and run one at a time, so what was
 * stored before belongs to earlier files (e.g. the absence another file left open on its own W-E).
 */
export class EventLog {
  private constructor(
    private readonly nc: NatsConnection,
    /** Last sequence of each stream at connect (absent: the stream did not exist yet). */
    private readonly before: Map<string, number>,
  ) {}

  /** Connect before starting the services whose events the test reads. */
  static async connect(natsUrl = process.env.HALLWATCH_TEST_NATS_URL!): Promise<EventLog> {
    const nc = await connect({ servers: natsUrl });
    const jsm = await nc.jetstreamManager();
    const before = new Map<string, number>();
    for (const stream of [Streams.presence.name, Streams.incidents.name]) {
      const info = await jsm.streams.info(stream).catch(() => null);
      if (info) before.set(stream, info.state.last_seq);
    }
    return new EventLog(nc, before);
  }

  get connection(): NatsConnection {
    return this.nc;
  }

  presence(windowId: string): Promise<PresenceEvent[]> {
    return this.read<PresenceEvent>(Streams.presence.name).then((all) => all.filter((p) => p.windowId === windowId));
  }

  incidents(): Promise<IncidentEvent[]> {
    return this.read<IncidentEvent>(Streams.incidents.name);
  }

  /** A window's presence events as stored: with the lease they were published under and when. */
  async presenceStored(windowId: string): Promise<{ event: PresenceEvent; lease: string | undefined; storedAt: number }[]> {
    const stored = await this.readStored(Streams.presence.name);
    return stored
      .map((m) => ({ event: m.json<PresenceEvent>(), lease: m.header?.get(LEASE_HEADER) || undefined, storedAt: m.time.getTime() }))
      .filter((m) => m.event.windowId === windowId);
  }

  async close(): Promise<void> {
    await this.nc.drain();
  }

  private async read<T>(stream: string): Promise<T[]> {
    return (await this.readStored(stream)).map((m) => m.json<T>());
  }

  private async readStored(stream: string): Promise<StoredMsg[]> {
    const jsm = await this.nc.jetstreamManager();
    const { first_seq, last_seq } = (await jsm.streams.info(stream)).state;
    const out: StoredMsg[] = [];
    for (let seq = Math.max(first_seq, (this.before.get(stream) ?? 0) + 1); seq <= last_seq && last_seq > 0; seq++) {
      const m = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
      if (m) out.push(m);
    }
    return out;
  }
}

/** A window's presence as intervals [since, next since), in time order. */
export function intervals(events: PresenceEvent[]): { state: string; from: number; to: number }[] {
  const sorted = [...events].sort((a, b) => Date.parse(a.since) - Date.parse(b.since));
  return sorted.map((e, i) => ({
    state: e.state,
    from: Date.parse(e.since),
    to: i + 1 < sorted.length ? Date.parse(sorted[i + 1].since) : Infinity,
  }));
}

/** One entry per incident: its open event, and its close event if any. */
export function incidentsById(events: IncidentEvent[]): Map<string, { opened: IncidentEvent[]; closed: IncidentEvent[] }> {
  const byId = new Map<string, { opened: IncidentEvent[]; closed: IncidentEvent[] }>();
  for (const e of events) {
    const entry = byId.get(e.id) ?? { opened: [], closed: [] };
    (e.closedAt ? entry.closed : entry.opened).push(e);
    byId.set(e.id, entry);
  }
  return byId;
}

/** True when no two of the [openedAt, closedAt) spans overlap. */
export function disjoint(incidents: IncidentEvent[]): boolean {
  const spans = incidents.map((i) => [Date.parse(i.openedAt), i.closedAt ? Date.parse(i.closedAt) : Infinity]).sort((a, b) => a[0] - b[0]);
  return spans.every((s, i) => i === 0 || spans[i - 1][1] <= s[0]);
}

/**
 * Events in vs. records out for some windows: each distinct presence event on the stream should
 * be one presence interval in the database. `lost`: events without their interval; `duplicated`:
 * events stored twice on the stream, or intervals stored twice.
 */
export async function presenceLedger(
  events: PresenceEvent[],
  mongodbUri: string,
): Promise<{ events: number; records: number; lost: number; duplicated: number }> {
  const key = (windowId: string, since: number) => `${windowId}@${since}`;
  const connection = await mongoose.createConnection(mongodbUri).asPromise();
  try {
    const windowIds = [...new Set(events.map((e) => e.windowId))];
    const records = await connection
      .collection('presence_intervals')
      .find({ windowId: { $in: windowIds } })
      .toArray();
    const stored = records.map((r) => key(r.windowId as string, (r.since as Date).getTime()));
    const sent = events.map((e) => key(e.windowId, Date.parse(e.since)));
    const lost = new Set(sent.filter((k) => !stored.includes(k))).size;
    const duplicated =
      sent.length - new Set(events.map((e) => `${e.windowId}@${e.since}@${e.state}`)).size + stored.length - new Set(stored).size;
    return { events: new Set(sent).size, records: stored.length, lost, duplicated };
  } finally {
    await connection.close();
  }
}

/** The saved monitor state of each hall: owner, fencing token, snapshot. */
export async function monitorStates(
  mongodbUri: string,
): Promise<Map<string, { owner?: string; fence?: number; snapshot: string; savedAt: Date }>> {
  const connection = await mongoose.createConnection(mongodbUri).asPromise();
  try {
    const docs = await connection.collection('monitor_states').find({}).toArray();
    return new Map(
      docs.map((d) => [d._id as unknown as string, { owner: d.owner, fence: d.fence, snapshot: d.snapshot, savedAt: d.savedAt }]),
    );
  } finally {
    await connection.close();
  }
}

/**
 * Real cameras, ingestion and two inference instances (inf-a, inf-b) on the two-hall site (W-A in
 * h1, W-E in h2) with a private database; `owners()` reads who holds h1 and h2.
 */
export interface TwoInstances {
  inference: Map<string, RunningService>;
  events: EventLog;
  mongodbUri: string;
  /** The services' environment (site file, database), for more services on the same site. */
  env: Record<string, string>;
  owners(): Promise<(string | undefined)[]>;
  stop(): Promise<void>;
}

export async function startTwoInstances(dbPrefix: string): Promise<TwoInstances> {
  const port = await freePort();
  const rtsp = await startCameras(port);
  const mongodbUri = testDatabaseUri(dbPrefix);
  const env = { HALLWATCH_SITE: twoWindowSite(port, 'h2'), MONGODB_URI: mongodbUri };
  const events = await EventLog.connect();
  const ingestion = await startService('ingestion', env);
  const [a, b] = await Promise.all(['inf-a', 'inf-b'].map((i) => startService('inference', { ...env, HALLWATCH_INSTANCE: i }, 120000)));
  const inference = new Map([
    ['inf-a', a],
    ['inf-b', b],
  ]);
  const leases = await eventually(() => events.connection.jetstream().views.kv(HALL_LEASE_BUCKET, { bindOnly: true }), 30000);
  const codec = StringCodec();
  return {
    inference,
    events,
    mongodbUri,
    env,
    owners: () =>
      Promise.all(
        ['h1', 'h2'].map(async (h) => {
          const e = await leases.get(`hall.${h}`);
          return e && e.operation === 'PUT' ? codec.decode(e.value) : undefined;
        }),
      ),
    stop: async () => {
      for (const s of inference.values()) s.process.kill('SIGCONT'); // a paused one must hear SIGTERM
      await Promise.all([...inference.values()].map((s) => s.stop()));
      await ingestion.stop();
      await stopProcess(rtsp);
      await events.close();
    },
  };
}
