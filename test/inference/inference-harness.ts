import * as fs from 'node:fs';
import * as path from 'node:path';
import { connect, NatsConnection } from 'nats';
import { Streams } from '@hallwatch/contracts';
import { MEDIA } from '../support/e2e';

/** Zones of the seated clip (A and D are staffed seats). */
const zones = JSON.parse(fs.readFileSync(path.join(MEDIA, 'classroom-seated.zones.json'), 'utf8')).zones as { id: string; polygon: number[][] }[];
export const zone = (id: string) => JSON.stringify(zones.find((z) => z.id === id)!.polygon);
/** A seat-sized zone of the empty-room clip: nobody is ever in it. */
export const EMPTY_ZONE = '[[0.4, 0.3], [0.8, 0.3], [0.8, 0.9], [0.4, 0.9]]';

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

/** Reads what inference published, as JetStream stored it (deduplicated), from the test NATS. */
export class EventLog {
  private constructor(private readonly nc: NatsConnection) {}

  static async connect(): Promise<EventLog> {
    return new EventLog(await connect({ servers: process.env.HALLWATCH_TEST_NATS_URL! }));
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

  async close(): Promise<void> {
    await this.nc.drain();
  }

  private async read<T>(stream: string): Promise<T[]> {
    const jsm = await this.nc.jetstreamManager();
    const { first_seq, last_seq } = (await jsm.streams.info(stream)).state;
    const out: T[] = [];
    for (let seq = first_seq; seq <= last_seq && last_seq > 0; seq++) {
      const m = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
      if (m) out.push(m.json<T>());
    }
    return out;
  }
}

/** A window's presence as intervals [since, next since), in time order. */
export function intervals(events: PresenceEvent[]): { state: string; from: number; to: number }[] {
  const sorted = [...events].sort((a, b) => Date.parse(a.since) - Date.parse(b.since));
  return sorted.map((e, i) => ({ state: e.state, from: Date.parse(e.since), to: i + 1 < sorted.length ? Date.parse(sorted[i + 1].since) : Infinity }));
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
  const spans = incidents
    .map((i) => [Date.parse(i.openedAt), i.closedAt ? Date.parse(i.closedAt) : Infinity])
    .sort((a, b) => a[0] - b[0]);
  return spans.every((s, i) => i === 0 || spans[i - 1][1] <= s[0]);
}
