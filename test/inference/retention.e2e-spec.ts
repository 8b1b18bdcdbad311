import 'reflect-metadata';
import mongoose, { Connection } from 'mongoose';
import { mongo } from 'mongoose';
import { parseSite, readEnv } from '@hallwatch/config';
import type { NatsAdapter, ServiceContext } from '@hallwatch/runtime';
import { EvidenceRepository } from '../../apps/inference/src/repositories/evidence.repository';
import { IncidentRepository } from '../../apps/inference/src/repositories/incident.repository';
import { IncidentRecord, IncidentSchema } from '../../apps/inference/src/repositories/incident.schemas';
import { PresenceInterval, PresenceIntervalSchema, PresenceRepository } from '../../apps/inference/src/repositories/presence.repository';
import { MonitorStateRepository, MonitorStateSchema } from '../../apps/inference/src/repositories/monitor-state.repository';
import { PurgeLeaseRepository } from '../../apps/inference/src/repositories/purge-lease.repository';
import { EvidencePurgeService, Purged } from '../../apps/inference/src/services/evidence-purge.service';
import { eventually, testDatabaseUri, testNats } from '../support/e2e';

const DAY = 24 * 3600_000;
const NOW = Date.parse('2026-11-25T00:00:00Z');
const daysAgo = (d: number) => new Date(NOW - d * DAY);

/**
 * Retention on the real FerretDB and NATS: what is purged, what is kept, one purging instance,
 * missing files, an appeal filed mid-purge, a host clock ahead.
 */
describe('retention purge (FerretDB, NATS lease)', () => {
  let connection: Connection;
  let presence: PresenceRepository;
  let incidents: IncidentRepository;
  let evidence: EvidenceRepository;
  let states: MonitorStateRepository;
  /** One per purging instance, and the incident repository's. */
  const adapters: NatsAdapter[] = [];

  const purger = async (instance: string) => {
    const ctx = {
      env: { ...readEnv({}), instance },
      site: parseSite(
        'halls: [{ id: h1, name: Hall, kind: hall, schedule: s }]\nschedules: { s: { weekdays: [mon], open: ["09:00-17:00"] } }\nevidence: { retention: 30d }\nretention: { presence: 100d, incidents: 200d }\n',
      ),
      natsUrl: process.env.HALLWATCH_TEST_NATS_URL!,
    } as ServiceContext;
    const nats = testNats(`e2e-${instance}`);
    adapters.push(nats);
    const lease = new PurgeLeaseRepository(nats);
    await lease.open();
    return new EvidencePurgeService(ctx, evidence, incidents, presence, lease, states);
  };

  beforeAll(async () => {
    connection = await mongoose.createConnection(testDatabaseUri('retention')).asPromise();
    const intervals = connection.model<PresenceInterval>('PresenceInterval', PresenceIntervalSchema);
    await intervals.init();
    presence = new PresenceRepository(intervals);
    const nats = testNats('e2e-retention-incidents');
    adapters.push(nats);
    incidents = new IncidentRepository(connection.model<IncidentRecord>('Incident', IncidentSchema), { env: readEnv({}) }, nats);
    evidence = new EvidenceRepository(connection);
    states = new MonitorStateRepository(connection.model('MonitorState', MonitorStateSchema));
  });

  afterAll(async () => {
    await incidents.onApplicationShutdown();
    await Promise.all(adapters.map((n) => n.close()));
    await connection.close();
  });

  it('purges ended intervals and closed unconfirmed incidents past retention, once, and goes on past files already gone', async () => {
    for (const [windowId, state, since] of [
      ['W1', 'staffed', 300],
      ['W1', 'absent', 150], // ended 120 days ago: past 100d
      ['W1', 'staffed', 120],
      ['W2', 'staffed', 500], // still going: never purged
    ] as const) {
      await presence.recordChanges([{ windowId, hallId: 'h1', state, since: daysAgo(since).getTime() }]);
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
    const old = await evidence.capturedBefore(daysAgo(30));
    expect([...old.keys()]).toEqual(['recent']);
    const [file2] = await bucket.find({ filename: 'recent/2' }).toArray();
    await bucket.delete(file2._id);
    expect(await evidence.remove(old.get('recent')!)).toBe(2);
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

  const jpeg = Buffer.from([0xff, 0xd8, 1, 2]);
  const closedIncident = (id: string, closedDaysAgo: number) =>
    incidents.upsert({
      id,
      kind: 'absence',
      hallId: 'h1',
      windowId: 'W1',
      openedAt: daysAgo(closedDaysAgo + 1).toISOString(),
      closedAt: daysAgo(closedDaysAgo).toISOString(),
      durationMs: 1,
    });
  const frames = async () =>
    (await new mongo.GridFSBucket(connection.db!, { bucketName: 'evidence' }).find({}).toArray()).map((f) => f.filename).sort();

  it('judges each incident under its lock: an appeal filed mid-purge keeps its frames, as do open incidents and those in their review window', async () => {
    // 30 expired incidents ahead of the one appealed, so the appeal lands while the purge is deleting.
    const expired = Array.from({ length: 30 }, (_, k) => `expired-${String(k).padStart(2, '0')}`);
    for (const [k, id] of expired.entries()) {
      await closedIncident(id, 99);
      for (const n of [0, 1])
        await evidence.put({ incidentId: id, n, role: 'threshold', capturedAt: new Date(daysAgo(61).getTime() + k) }, jpeg);
    }
    await closedIncident('appealed-mid-purge', 99);
    await evidence.put({ incidentId: 'appealed-mid-purge', n: 0, role: 'threshold', capturedAt: daysAgo(60) }, jpeg);
    await incidents.upsert({ id: 'open-long', kind: 'absence', hallId: 'h1', windowId: 'W2', openedAt: daysAgo(90).toISOString() });
    await evidence.put({ incidentId: 'open-long', n: 0, role: 'last-staffed', capturedAt: daysAgo(90) }, jpeg);
    // Frames past retention (30 d) of an incident closed 10 days ago: within its review window.
    await closedIncident('in-window', 10);
    await evidence.put({ incidentId: 'in-window', n: 0, role: 'last-staffed', capturedAt: daysAgo(40) }, jpeg);

    const purge = await purger('purger-c');
    const purging: Promise<Purged | undefined> = purge.purge(NOW);
    await eventually(async () => ((await frames()).length < 2 * expired.length + 3 ? true : undefined), 30_000, 5);
    const appeal = await incidents.review('appealed-mid-purge', 'appealed', {
      by: 'manager-h1',
      at: new Date().toISOString(),
      action: 'appealed',
    });
    expect(appeal?.changed).toBe(true);
    expect(await purging).toEqual({ evidence: 2 * expired.length, presence: 0, incidents: 0 });
    expect(await frames()).toEqual(['appealed-mid-purge/0', 'in-window/0', 'open-long/0']);
  });

  it('refuses to purge with the host clock ahead of the NATS server, and purges nothing', async () => {
    await closedIncident('before-the-jump', 5);
    await evidence.put({ incidentId: 'before-the-jump', n: 0, role: 'threshold', capturedAt: daysAgo(5) }, jpeg);
    const before = await frames();
    const purge = await purger('purger-d');
    // A host booted three years ahead: everything would look expired.
    expect(await purge.purge(Date.now() + 3 * 365 * DAY)).toBeUndefined();
    purge.onModuleDestroy();
    expect(await frames()).toEqual(before);
    expect((await incidents.find({})).map((i) => i._id)).toContain('before-the-jump');
  });
});
