import { parseSite, readEnv } from '@hallwatch/config';
import type { ServiceContext } from '@hallwatch/runtime';
import type { EvidenceRepository } from '../repositories/evidence.repository';
import type { IncidentRepository } from '../repositories/incident.repository';
import type { IncidentRecord } from '../repositories/incident.schemas';
import type { MonitorStateRepository } from '../repositories/monitor-state.repository';
import type { PresenceRepository } from '../repositories/presence.repository';
import type { PurgeLeaseRepository } from '../repositories/purge-lease.repository';
import { EvidencePurgeService } from './evidence-purge.service';

const DAY = 24 * 3600_000;
const NOW = Date.parse('2026-11-25T00:00:00Z');

/** Old frames of i1 (closed long ago), i2 (confirmed), i3 (open), i4 (gone already). */
const RECORDS: Record<string, Partial<IncidentRecord> | null> = {
  i1: { closedAt: new Date(NOW - 1000 * DAY) },
  i2: { closedAt: new Date(NOW - 1000 * DAY), review: 'confirmed' },
  i3: { closedAt: null },
  i4: null,
};

function service(siteYaml: string, leaseFree: boolean, clocks: { nats?: number; stored?: number } = { nats: NOW, stored: NOW }) {
  const calls: string[] = [];
  const ctx = { env: { ...readEnv({}), instance: 'inference-a' }, site: parseSite(siteYaml) } as ServiceContext;
  const evidence = {
    capturedBefore: async (before: Date) => (
      calls.push(`evidence before ${before.toISOString()}`),
      new Map(Object.keys(RECORDS).map((id) => [id, [`${id}/0`, `${id}/1`]]))
    ),
    remove: async (files: string[]) => (calls.push(`remove ${files.join(' ')}`), files.length),
  };
  const incidents = {
    locked: async (id: string, work: (r: Partial<IncidentRecord> | null) => Promise<number>) => {
      calls.push(`lock ${id}`);
      return work(RECORDS[id]);
    },
    purgeClosedBefore: async (before: Date) => (calls.push(`incidents before ${before.toISOString()}`), 3),
  };
  const presence = { purgeEndedBefore: async (before: Date) => (calls.push(`presence before ${before.toISOString()}`), 4) };
  const lease = {
    acquire: async (id: string, instance: string) => (calls.push(`acquire ${id} as ${instance}`), leaseFree),
    renew: async () => true,
    release: async (id: string) => void calls.push(`release ${id}`),
    writtenAt: async () => (clocks.nats === undefined ? undefined : new Date(clocks.nats)),
  };
  const states = { newestSavedAt: async () => (clocks.stored === undefined ? undefined : new Date(clocks.stored)) };
  const purge = new EvidencePurgeService(
    ctx,
    evidence as unknown as EvidenceRepository,
    incidents as unknown as IncidentRepository,
    presence as unknown as PresenceRepository,
    lease as unknown as PurgeLeaseRepository,
    states as unknown as MonitorStateRepository,
  );
  return { purge, calls };
}

const SITE = 'halls: [{ id: h1, name: Hall, kind: hall }]\nschedules: { default: { weekdays: [mon], open: ["09:00-17:00"] } }\n';

describe('EvidencePurgeService (retention)', () => {
  it('purges evidence, presence intervals and incidents past the default retention under the purge lease', async () => {
    const { purge, calls } = service(SITE, true);
    expect(await purge.purge(NOW)).toEqual({ evidence: 4, presence: 4, incidents: 3 });
    expect(calls).toEqual([
      'acquire retention as inference-a',
      `evidence before ${new Date(NOW - 180 * DAY).toISOString()}`,
      // Each incident judged under its lock: the confirmed and the open one keep their frames.
      'lock i1',
      'remove i1/0 i1/1',
      'lock i2',
      'lock i3',
      'lock i4',
      'remove i4/0 i4/1',
      `presence before ${new Date(NOW - 730 * DAY).toISOString()}`,
      `incidents before ${new Date(NOW - 1095 * DAY).toISOString()}`,
      'release retention',
    ]);
  });

  it('takes the periods from the site file', async () => {
    const { purge, calls } = service(`${SITE}evidence: { retention: 30d }\nretention: { presence: 400d, incidents: 10d }\n`, true);
    await purge.purge(NOW);
    expect(calls.filter((c) => / before /.test(c))).toEqual([
      `evidence before ${new Date(NOW - 30 * DAY).toISOString()}`,
      `presence before ${new Date(NOW - 400 * DAY).toISOString()}`,
      `incidents before ${new Date(NOW - 10 * DAY).toISOString()}`,
    ]);
  });

  it('does not run on a host clock more than a minute ahead of the NATS server or the newest stored hall state', async () => {
    for (const clocks of [
      { nats: NOW - 61_000, stored: NOW },
      { nats: NOW, stored: NOW - 61_000 },
    ]) {
      const { purge, calls } = service(SITE, true, clocks);
      expect(await purge.purge(NOW)).toBeUndefined();
      expect(calls).toEqual(['acquire retention as inference-a', 'release retention']);
      purge.onModuleDestroy();
    }
    const { purge } = service(SITE, true, { nats: NOW - 59_000 });
    expect(await purge.purge(NOW)).toEqual({ evidence: 4, presence: 4, incidents: 3 });
  });

  it('leaves the purge to the instance holding the lease', async () => {
    const { purge, calls } = service(SITE, false);
    expect(await purge.purge(NOW)).toBeUndefined();
    expect(calls).toEqual(['acquire retention as inference-a']);
  });

  it('rejects an unknown retention key by name', () => {
    expect(() => parseSite(`${SITE}retention: { intervals: 30d }\n`)).toThrow(/retention/);
  });
});
