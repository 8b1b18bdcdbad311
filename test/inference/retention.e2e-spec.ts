import 'reflect-metadata';
import mongoose, { Connection } from 'mongoose';
import { mongo } from 'mongoose';
import { parseSite, readEnv } from '@hallwatch/config';
import type { ServiceContext } from '@hallwatch/runtime';
import { EvidenceRepository } from '../../apps/inference/src/repositories/evidence.repository';
import { IncidentRecord, IncidentRepository, IncidentSchema } from '../../apps/inference/src/repositories/incident.repository';
import { PresenceInterval, PresenceIntervalSchema, PresenceRepository } from '../../apps/inference/src/repositories/presence.repository';
import { PurgeLeaseRepository } from '../../apps/inference/src/repositories/purge-lease.repository';
import { EvidencePurgeService } from '../../apps/inference/src/services/evidence-purge.service';
import { testDatabaseUri } from '../support/e2e';

const DAY = 24 * 3600_000;
const NOW = Date.parse('2026-11-25T00:00:00Z');
const daysAgo = (d: number) => new Date(NOW - d * DAY);

/** Retention on the real FerretDB and NATS: what is purged, what is kept, one purging instance, missing files. */
describe('retention purge (FerretDB, NATS lease)', () => {
  let connection: Connection;
  let presence: PresenceRepository;
  let incidents: IncidentRepository;
  let evidence: EvidenceRepository;
  const leases: PurgeLeaseRepository[] = [];

  const purger = async (instance: string) => {
    const ctx = {
      env: { ...readEnv({}), instance },
      site: parseSite(
        'halls: [{ id: h1, name: Hall, kind: hall, schedule: s }]\nschedules: { s: { weekdays: [mon], open: ["09:00-17:00"] } }\nevidence: { retention: 30d }\nretention: { presence: 100d, incidents: 200d }\n',
      ),
      natsUrl: process.env.HALLWATCH_TEST_NATS_URL!,
    } as ServiceContext;
    const lease = new PurgeLeaseRepository(ctx);
    leases.push(lease);
    await lease.open(ctx.natsUrl, `e2e-${instance}`);
    return new EvidencePurgeService(ctx, evidence, incidents, presence, lease);
  };

  beforeAll(async () => {
    connection = await mongoose.createConnection(testDatabaseUri('retention')).asPromise();
    const intervals = connection.model<PresenceInterval>('PresenceInterval', PresenceIntervalSchema);
    await intervals.init();
    presence = new PresenceRepository(intervals);
    incidents = new IncidentRepository(connection.model<IncidentRecord>('Incident', IncidentSchema), {
      natsUrl: process.env.HALLWATCH_TEST_NATS_URL!,
      env: readEnv({}),
    });
    evidence = new EvidenceRepository(connection);
  });

  afterAll(async () => {
    await Promise.all([...leases, incidents].map((l) => l.onApplicationShutdown()));
    await connection.close();
  });

  it('purges ended intervals and closed unconfirmed incidents past retention, once, and goes on past files already gone', async () => {
    for (const [windowId, state, since] of [
      ['W1', 'staffed', 300],
      ['W1', 'absent', 150], // ended 120 days ago: past 100d
      ['W1', 'staffed', 120],
      ['W2', 'staffed', 500], // still going: never purged
    ] as const) {
      await presence.recordChange({ windowId, hallId: 'h1', state, since: daysAgo(since).getTime() });
    }
    const incident = (id: string, opened: number, closed?: number) =>
      incidents.upsert({
        id,
        kind: 'absence',
        hallId: 'h1',
        windowId: 'W1',
        openedAt: daysAgo(opened).toISOString(),
        ...(closed ? { closedAt: daysAgo(closed).toISOString(), durationMs: 1 } : {}),
      });
    await incident('old', 300, 299);
    await incident('old-confirmed', 300, 299);
    await incidents.review('old-confirmed', 'confirmed', { by: 'jianchaju', at: daysAgo(250).toISOString(), action: 'confirmed' });
    const dismissed = await incidents.review('old', 'dismissed', { by: 'jianchaju', at: daysAgo(250).toISOString(), action: 'dismissed' });
    await incident('old-open', 300);
    await incident('recent', 100, 99);
    const jpeg = Buffer.from([0xff, 0xd8, 1, 2]);
    for (const n of [1, 2, 3]) await evidence.put({ incidentId: 'recent', n, role: 'threshold', capturedAt: daysAgo(60) }, jpeg);

    // Another instance deletes file 2 between this purge's listing and its deletes.
    const bucket = new mongo.GridFSBucket(connection.db!, { bucketName: 'evidence' });
    const [file2] = await bucket.find({ filename: 'recent/2' }).toArray();
    const racing = await evidence.purge(daysAgo(30), async () => {
      await bucket.delete(file2._id);
      return new Set();
    });
    expect(racing).toBe(2);
    expect(await bucket.find({}).toArray()).toEqual([]);

    const [a, b] = [await purger('purger-a'), await purger('purger-b')];
    const results = await Promise.all([a.purge(NOW), b.purge(NOW)]);
    expect(results.filter((r) => r === undefined)).toHaveLength(1);
    expect(results.find((r) => r !== undefined)).toEqual({ evidence: 0, presence: 2, incidents: 1 });

    const left = await connection.collection('presence_intervals').find().sort({ windowId: 1, since: 1 }).toArray();
    expect(left.map((i) => [i.windowId, i.state, Math.round((NOW - i.since.getTime()) / DAY)])).toEqual([
      ['W1', 'staffed', 120],
      ['W2', 'staffed', 500],
    ]);
    expect((await incidents.find({})).map((i) => i._id).sort()).toEqual(['old-confirmed', 'old-open', 'recent']);
    // The purged one left its tombstone: what it was, how it ended, its chain's last hash.
    expect(await connection.collection('incident_tombstones').find().toArray()).toEqual([
      {
        _id: 'old',
        kind: 'absence',
        hallId: 'h1',
        windowId: 'W1',
        openedAt: daysAgo(300),
        closedAt: daysAgo(299),
        status: 'dismissed',
        entries: 1,
        lastHash: dismissed!.record.audit![0].hash,
        purgedAt: expect.any(Date),
      },
    ]);
    // The lease was given back: the next round purges (nothing left).
    expect(await b.purge(NOW)).toEqual({ evidence: 0, presence: 0, incidents: 0 });
  });
});
