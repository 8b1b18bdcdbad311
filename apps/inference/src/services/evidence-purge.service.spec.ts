import { parseSite, readEnv } from '@hallwatch/config';
import type { ServiceContext } from '@hallwatch/runtime';
import type { EvidenceRepository } from '../repositories/evidence.repository';
import type { IncidentRepository } from '../repositories/incident.repository';
import type { PresenceRepository } from '../repositories/presence.repository';
import type { PurgeLeaseRepository } from '../repositories/purge-lease.repository';
import { EvidencePurgeService } from './evidence-purge.service';

const DAY = 24 * 3600_000;
const NOW = Date.parse('2026-11-25T00:00:00Z');

function service(siteYaml: string, leaseFree: boolean) {
  const calls: string[] = [];
  const ctx = { env: { ...readEnv({}), instance: 'inference-a' }, site: parseSite(siteYaml) } as ServiceContext;
  const evidence = {
    purge: async (before: Date, keep: (ids: string[]) => Promise<Set<string>>) => {
      calls.push(`evidence before ${before.toISOString()}, keeping ${[...(await keep(['i1', 'i2']))]}`);
      return 2;
    },
  };
  const incidents = {
    kept: async (ids: string[]) => new Set(ids.filter((id) => id === 'i2')),
    purgeClosedBefore: async (before: Date) => (calls.push(`incidents before ${before.toISOString()}`), 3),
  };
  const presence = { purgeEndedBefore: async (before: Date) => (calls.push(`presence before ${before.toISOString()}`), 4) };
  const lease = {
    acquire: async (id: string, instance: string) => (calls.push(`acquire ${id} as ${instance}`), leaseFree),
    renew: async () => true,
    release: async (id: string) => void calls.push(`release ${id}`),
  };
  const purge = new EvidencePurgeService(
    ctx,
    evidence as unknown as EvidenceRepository,
    incidents as unknown as IncidentRepository,
    presence as unknown as PresenceRepository,
    lease as unknown as PurgeLeaseRepository,
  );
  return { purge, calls };
}

const SITE = 'halls: [{ id: h1, name: Hall, kind: hall }]\nschedules: { default: { weekdays: [mon], open: ["09:00-17:00"] } }\n';

describe('EvidencePurgeService (retention)', () => {
  it('purges evidence, presence intervals and incidents past the default retention under the purge lease', async () => {
    const { purge, calls } = service(SITE, true);
    expect(await purge.purge(NOW)).toEqual({ evidence: 2, presence: 4, incidents: 3 });
    expect(calls).toEqual([
      'acquire retention as inference-a',
      `evidence before ${new Date(NOW - 180 * DAY).toISOString()}, keeping i2`,
      `presence before ${new Date(NOW - 730 * DAY).toISOString()}`,
      `incidents before ${new Date(NOW - 1095 * DAY).toISOString()}`,
      'release retention',
    ]);
  });

  it('takes the periods from the site file', async () => {
    const { purge, calls } = service(`${SITE}evidence: { retention: 30d }\nretention: { presence: 400d, incidents: 10d }\n`, true);
    await purge.purge(NOW);
    expect(calls.slice(1, 4)).toEqual([
      `evidence before ${new Date(NOW - 30 * DAY).toISOString()}, keeping i2`,
      `presence before ${new Date(NOW - 400 * DAY).toISOString()}`,
      `incidents before ${new Date(NOW - 10 * DAY).toISOString()}`,
    ]);
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
