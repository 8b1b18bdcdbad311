import 'reflect-metadata';
import mongoose, { Connection } from 'mongoose';
import { readEnv } from '@hallwatch/config';
import { EvidenceRepository } from '../../apps/inference/src/repositories/evidence.repository';
import { IncidentRecord, IncidentRepository, IncidentSchema } from '../../apps/inference/src/repositories/incident.repository';
import { MonitorState, MonitorStateRepository, MonitorStateSchema } from '../../apps/inference/src/repositories/monitor-state.repository';
import { PresenceInterval, PresenceIntervalSchema, PresenceRepository } from '../../apps/inference/src/repositories/presence.repository';
import { testDatabaseUri } from '../support/e2e';

/** The inference repositories on the real FerretDB: redelivery never duplicates, purge keeps confirmed evidence. */
describe('inference repositories (FerretDB)', () => {
  let connection: Connection;
  let presence: PresenceRepository;
  let incidents: IncidentRepository;
  let evidence: EvidenceRepository;
  let states: MonitorStateRepository;
  const t = (s: number) => 1_800_000_000_000 + s * 1000;
  const iso = (s: number) => new Date(t(s)).toISOString();

  beforeAll(async () => {
    connection = await mongoose.createConnection(testDatabaseUri('inference_repo')).asPromise();
    const intervals = connection.model<PresenceInterval>('PresenceInterval', PresenceIntervalSchema);
    await intervals.init();
    presence = new PresenceRepository(intervals);
    incidents = new IncidentRepository(connection.model<IncidentRecord>('Incident', IncidentSchema), { natsUrl: process.env.HALLWATCH_TEST_NATS_URL!, env: readEnv({}) });
    evidence = new EvidenceRepository(connection);
    states = new MonitorStateRepository(connection.model<MonitorState>('MonitorState', MonitorStateSchema));
  });

  afterAll(async () => {
    await incidents.onApplicationShutdown();
    await connection.close();
  });

  it('records presence changes as intervals, once however often a change is redelivered', async () => {
    const changes = [
      { windowId: 'W1', hallId: 'h1', state: 'unknown' as const, since: t(0) },
      { windowId: 'W1', hallId: 'h1', state: 'staffed' as const, since: t(10) },
      { windowId: 'W1', hallId: 'h1', state: 'absent' as const, since: t(70) },
    ];
    for (const change of [...changes, changes[1], changes[2], changes[2]]) await presence.recordChange(change);
    const stored = await connection.collection('presence_intervals').find({ windowId: 'W1' }).sort({ since: 1 }).toArray();
    expect(stored.map((i) => [i.state, i.since.getTime(), i.until?.getTime() ?? null])).toEqual([
      ['unknown', t(0), t(10)],
      ['staffed', t(10), t(70)],
      ['absent', t(70), null],
    ]);
    expect((await presence.current(['h1'])).map((i) => [i.windowId, i.state])).toEqual([['W1', 'absent']]);
    expect(await presence.current(['h2'])).toEqual([]);
  });

  it('stores an incident once, closes it, and keeps the review in the audit trail', async () => {
    const opened = { id: `absence:h1:W1:${t(70)}`, kind: 'absence' as const, hallId: 'h1', windowId: 'W1', openedAt: iso(70) };
    const closed = { ...opened, closedAt: iso(700), durationMs: 630_000 };
    for (const message of [opened, opened, closed, opened, closed]) await incidents.upsert(message);
    const [only, ...others] = await incidents.find({ windowId: 'W1' });
    expect(others).toEqual([]);
    expect(only).toMatchObject({ _id: opened.id, closedAt: new Date(t(700)), durationMs: 630_000 });
    expect(only.review ?? null).toBeNull();
    const going = { id: `camera-offline:h1:cam-1:${t(60)}`, kind: 'camera-offline' as const, hallId: 'h1', cameraId: 'cam-1', windowIds: ['W1', 'W2'], openedAt: iso(60) };
    await incidents.upsert(going);
    expect((await incidents.find({ status: 'open' })).map((i) => i._id)).toEqual([going.id]);
    expect((await incidents.find({ windowId: 'W2' })).map((i) => i._id)).toEqual([going.id]);
    expect((await incidents.find({ status: 'closed', from: iso(600), to: iso(800) })).map((i) => i._id)).toEqual([opened.id]);
    expect((await incidents.find({ from: iso(701) })).map((i) => i._id)).toEqual([going.id]);
    expect(await incidents.find({ kind: 'absence', from: iso(701) })).toEqual([]);

    const reviewed = await incidents.review(opened.id, 'confirmed', { by: 'jianchaju', at: iso(900), action: 'confirmed', reason: 'seen on the frames' });
    expect(reviewed?.review).toBe('confirmed');
    expect(reviewed?.audit).toEqual([{ by: 'jianchaju', at: new Date(t(900)), action: 'confirmed', reason: 'seen on the frames' }]);
    expect(await incidents.review('absence:h1:W9:1', 'dismissed', { by: 'x', at: iso(900), action: 'dismissed' })).toBeNull();
  });

  it('never loses a review that lands beside the close of its incident', async () => {
    const ids = Array.from({ length: 20 }, (_, k) => `absence:h1:W3:${t(1000 + k)}`);
    for (const id of ids) await incidents.upsert({ id, kind: 'absence', hallId: 'h1', windowId: 'W3', openedAt: iso(1000) });
    await Promise.all(
      ids.flatMap((id) => [
        incidents.upsert({ id, kind: 'absence', hallId: 'h1', windowId: 'W3', openedAt: iso(1000), closedAt: iso(1100), durationMs: 100_000 }),
        incidents.review(id, 'confirmed', { by: 'jianchaju', at: iso(1050), action: 'confirmed' }),
      ]),
    );
    for (const id of ids) expect(await incidents.get(id)).toMatchObject({ review: 'confirmed', audit: [expect.objectContaining({ by: 'jianchaju' })], closedAt: new Date(t(1100)) });
  });

  it('keeps evidence once per frame and purges old frames except those of confirmed incidents', async () => {
    const confirmed = `absence:h1:W1:${t(70)}`; // confirmed above
    const other = `absence:h1:W2:${t(80)}`;
    const jpeg = (text: string) => Buffer.concat([Buffer.from([0xff, 0xd8]), Buffer.from(text)]);
    await evidence.put({ incidentId: confirmed, n: 1, role: 'threshold', capturedAt: new Date(t(75)) }, jpeg('a'));
    await evidence.put({ incidentId: confirmed, n: 1, role: 'threshold', capturedAt: new Date(t(75)) }, jpeg('again'));
    await evidence.put({ incidentId: other, n: 1, role: 'threshold', capturedAt: new Date(t(85)) }, jpeg('b'));
    await evidence.put({ incidentId: other, n: 2, role: 'end', capturedAt: new Date(t(5000)) }, jpeg('c'));
    expect((await evidence.get(confirmed, 1))?.toString('latin1')).toBe(jpeg('a').toString('latin1'));
    expect((await evidence.list([confirmed])).get(confirmed)).toHaveLength(1);

    const removed = await evidence.purge(new Date(t(1000)), (ids) => incidents.confirmed(ids));
    expect(removed).toBe(1);
    expect(await evidence.get(other, 1)).toBeNull();
    expect(await evidence.get(other, 2)).not.toBeNull();
    expect(await evidence.get(confirmed, 1)).not.toBeNull();
  });

  it("saves a hall's state with the output it caused, keeps that outbox through plain saves until it is cleared", async () => {
    await states.save('h1', { clock: 1 }, { presence: [{ windowId: 'W1' }], incidents: [] });
    await states.save('h1', { clock: 2 });
    const saved = await states.load('h1');
    expect(JSON.parse(saved!.snapshot)).toEqual({ clock: 2 });
    expect(JSON.parse(saved!.outbox!)).toEqual({ presence: [{ windowId: 'W1' }], incidents: [] });
    await states.clearOutbox('h1');
    const cleared = await states.load('h1');
    expect(cleared!.outbox).toBeUndefined();
    expect(JSON.parse(cleared!.snapshot)).toEqual({ clock: 2 });
    expect(await states.load('h2')).toBeNull();
  });
});
