import 'reflect-metadata';
import mongoose, { Connection } from 'mongoose';
import { createHash } from 'node:crypto';
import { readEnv } from '@hallwatch/config';
import { chainGenesis, verifyChain } from '@hallwatch/domain';
import { EvidenceRepository } from '../../apps/inference/src/repositories/evidence.repository';
import { IncidentRepository } from '../../apps/inference/src/repositories/incident.repository';
import { IncidentRecord, IncidentSchema } from '../../apps/inference/src/repositories/incident.schemas';
import {
  FencedOut,
  MonitorState,
  MonitorStateRepository,
  MonitorStateSchema,
  outboxOf,
} from '../../apps/inference/src/repositories/monitor-state.repository';
import { keyPresenceIntervals } from '../../apps/inference/src/repositories/presence-keys.migration';
import {
  intervalKey,
  PresenceInterval,
  PresenceIntervalSchema,
  PresenceRepository,
} from '../../apps/inference/src/repositories/presence.repository';
import { testDatabaseUri, testNats } from '../support/e2e';

/** The inference repositories on the real FerretDB: redelivery never duplicates, purge keeps confirmed evidence. */
describe('inference repositories (FerretDB)', () => {
  let connection: Connection;
  let presence: PresenceRepository;
  let incidents: IncidentRepository;
  const nats = testNats('e2e-inference-repositories');
  let evidence: EvidenceRepository;
  let states: MonitorStateRepository;
  const t = (s: number) => 1_800_000_000_000 + s * 1000;
  const iso = (s: number) => new Date(t(s)).toISOString();

  beforeAll(async () => {
    connection = await mongoose.createConnection(testDatabaseUri('inference_repo')).asPromise();
    const intervals = connection.model<PresenceInterval>('PresenceInterval', PresenceIntervalSchema);
    await intervals.init();
    presence = new PresenceRepository(intervals);
    incidents = new IncidentRepository(connection.model<IncidentRecord>('Incident', IncidentSchema), { env: readEnv({}) }, nats);
    evidence = new EvidenceRepository(connection);
    states = new MonitorStateRepository(connection.model<MonitorState>('MonitorState', MonitorStateSchema));
  });

  afterAll(async () => {
    await incidents.onApplicationShutdown();
    await nats.close();
    await connection.close();
  });

  it('records presence changes as intervals, once however often a change is redelivered', async () => {
    const changes = [
      { windowId: 'W1', hallId: 'h1', state: 'unknown' as const, since: t(0) },
      { windowId: 'W1', hallId: 'h1', state: 'staffed' as const, since: t(10) },
      { windowId: 'W1', hallId: 'h1', state: 'absent' as const, since: t(70) },
    ];
    // All in one write, then again one by one (a redelivery).
    await presence.recordChanges(changes);
    for (const change of [changes[1], changes[2], changes[2]]) await presence.recordChanges([change]);
    const stored = await connection.collection('presence_intervals').find({ windowId: 'W1' }).sort({ since: 1 }).toArray();
    expect(stored.map((i) => [i.state, i.since.getTime(), i.until?.getTime() ?? null])).toEqual([
      ['unknown', t(0), t(10)],
      ['staffed', t(10), t(70)],
      ['absent', t(70), null],
    ]);
    expect((await presence.current(['h1'])).map((i) => [i.windowId, i.state])).toEqual([['W1', 'absent']]);
    expect(await presence.current(['h2'])).toEqual([]);
  });

  it('ends the interval a change names by its start, by _id; one that ended otherwise or is not named ends every open one before it', async () => {
    const read = async (windowId: string) =>
      (await connection.collection('presence_intervals').find({ windowId }).sort({ since: 1 }).toArray()).map((i) => [
        i._id,
        i.state,
        i.since.getTime(),
        i.until?.getTime() ?? null,
      ]);
    const change = (windowId: string, state: 'staffed' | 'absent' | 'unknown', s: number, previous?: number) => ({
      windowId,
      hallId: 'h1',
      state,
      since: t(s),
      ...(previous !== undefined && { previousSince: t(previous) }),
    });
    const changes = [change('W3', 'unknown', 0), change('W3', 'staffed', 10, 0), change('W3', 'absent', 70, 10)];
    await presence.recordChanges(changes);
    for (const c of [changes[2], changes[1], changes[2]]) await presence.recordChanges([c]); // delivered again, out of order too
    // A state replaced at the same instant keeps its interval open.
    await presence.recordChanges([change('W3', 'unknown', 70, 70)]);
    expect(await read('W3')).toEqual([
      [intervalKey('W3', t(0)), 'unknown', t(0), t(10)],
      [intervalKey('W3', t(10)), 'staffed', t(10), t(70)],
      [intervalKey('W3', t(70)), 'unknown', t(70), null],
    ]);
    // Only the named one ends (by its _id): one older left open, as by a version before the names, stays so.
    const open = (s: number) => ({ _id: intervalKey('W5', t(s)), windowId: 'W5', hallId: 'h1', state: 'unknown', since: new Date(t(s)) });
    await connection.collection('presence_intervals').insertMany([open(0), open(5)] as never[]);
    await presence.recordChanges([change('W5', 'staffed', 10, 5)]);
    expect((await read('W5')).map(([, , since, until]) => [since, until])).toEqual([
      [t(0), null],
      [t(5), t(10)],
      [t(10), null],
    ]);
    // The named interval ended at 50 s (the read-back stored a change the holder never decided):
    // the open one at 50 s ends instead, as without a name.
    await presence.recordChanges([change('W4', 'staffed', 0)]);
    await presence.restoreChange(change('W4', 'absent', 50));
    await presence.recordChanges([change('W4', 'unknown', 90, 0)]);
    await presence.recordChanges([change('W4', 'staffed', 120)]);
    expect((await read('W4')).map(([, state, since, until]) => [state, since, until])).toEqual([
      ['staffed', t(0), t(50)],
      ['absent', t(50), t(90)],
      ['unknown', t(90), t(120)],
      ['staffed', t(120), null],
    ]);
  });

  it('keys the intervals stored under ObjectIds (migration presence-interval-keys): none lost, also after a crash half-way', async () => {
    const db = connection.db!;
    const collection = db.collection('presence_intervals');
    const hold = { check: () => undefined };
    const legacy = [
      { windowId: 'W-old', hallId: 'h1', state: 'staffed', since: new Date(t(0)), until: new Date(t(30)) },
      { windowId: 'W-old', hallId: 'h1', state: 'absent', since: new Date(t(30)), until: new Date(t(60)) },
      { windowId: 'W-old', hallId: 'h1', state: 'staffed', since: new Date(t(60)), until: null },
    ];
    const { insertedIds } = await collection.insertMany(legacy.map((d) => ({ ...d, _id: new mongoose.Types.ObjectId() })) as never[]);
    // The crash: the last one was staged and its old document deleted, not yet put back.
    await db
      .collection('presence_intervals_keying')
      .insertOne({ _id: intervalKey('W-old', t(60)), ...legacy[2], legacyId: insertedIds[2] } as never);
    await collection.deleteOne({ _id: insertedIds[2] });
    for (let run = 0; run < 2; run++) {
      await keyPresenceIntervals(collection, hold, db);
      const stored = await collection.find({ windowId: 'W-old' }).sort({ since: 1 }).toArray();
      expect(stored).toEqual(legacy.map((d) => ({ _id: intervalKey(d.windowId, d.since), ...d })));
    }
    expect(await db.listCollections({ name: 'presence_intervals_keying' }).toArray()).toEqual([]);
    // Recorded on, as any interval.
    await presence.recordChanges([{ windowId: 'W-old', hallId: 'h1', state: 'absent', since: t(90), previousSince: t(60) }]);
    expect((await collection.findOne({ _id: intervalKey('W-old', t(60)) } as never))?.until).toEqual(new Date(t(90)));
  });

  it('puts back a change read back from the stream: once, ending where the next stored one begins; one stored already changes nothing', async () => {
    const change = (state: 'staffed' | 'absent', s: number) => ({ windowId: 'W2', hallId: 'h1', state, since: t(s) });
    const read = async () =>
      (await connection.collection('presence_intervals').find({ windowId: 'W2' }).sort({ since: 1 }).toArray()).map((i) => [
        i.state,
        i.since.getTime(),
        i.until?.getTime() ?? null,
      ]);
    // Delivery recorded 0 s and 100 s; the stream's 50 s was lost with the database (a restore).
    await presence.recordChanges([change('staffed', 0), change('absent', 100)]);
    await presence.restoreChange(change('absent', 50));
    await presence.restoreChange(change('absent', 50));
    const restored = [
      ['staffed', t(0), t(50)],
      ['absent', t(50), t(100)],
      ['absent', t(100), null],
    ];
    expect(await read()).toEqual(restored);
    // Already stored: unchanged (the open interval is not ended, nothing else moves).
    for (const s of [100, 0]) await presence.restoreChange(change(s === 0 ? 'staffed' : 'absent', s));
    expect(await read()).toEqual(restored);
    // The next one, in stream order, ends the open interval as delivery would.
    await presence.restoreChange(change('staffed', 160));
    expect((await read()).slice(-2)).toEqual([
      ['absent', t(100), t(160)],
      ['staffed', t(160), null],
    ]);
  });

  it('stores a change that delivery and the stream read-back write at the same moment, once and without an error', async () => {
    // In normal running both writers get the same change within milliseconds; the loser's upsert
    // meets the winner's insert on the unique (windowId, since) index.
    const windows = [...Array(20).keys()].map((i) => `W-race-${i}`);
    const results = await Promise.allSettled(
      windows.flatMap((windowId) => {
        const change = { windowId, hallId: 'h1', state: 'absent' as const, since: t(500) };
        return [presence.recordChanges([change]), presence.restoreChange(change)];
      }),
    );
    expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
    const stored = await connection
      .collection('presence_intervals')
      .find({ windowId: { $in: windows } })
      .toArray();
    expect(stored.map((i) => [i.windowId, i.state, i.since.getTime(), i.until ?? null]).sort()).toEqual(
      windows.map((w) => [w, 'absent', t(500), null]).sort(),
    );
  });

  it('stores an incident once, closes it, and keeps the review in the audit trail', async () => {
    const opened = { id: `absence:h1:W1:${t(70)}`, kind: 'absence' as const, hallId: 'h1', windowId: 'W1', openedAt: iso(70) };
    const closed = { ...opened, closedAt: iso(700), durationMs: 630_000 };
    for (const message of [opened, opened, closed, opened, closed]) await incidents.upsert(message);
    const [only, ...others] = await incidents.find({ windowId: 'W1' });
    expect(others).toEqual([]);
    expect(only).toMatchObject({ _id: opened.id, closedAt: new Date(t(700)), durationMs: 630_000 });
    expect(only.review ?? null).toBeNull();
    const going = {
      id: `camera-offline:h1:cam-1:${t(60)}`,
      kind: 'camera-offline' as const,
      hallId: 'h1',
      cameraId: 'cam-1',
      windowIds: ['W1', 'W2'],
      openedAt: iso(60),
    };
    await incidents.upsert(going);
    expect((await incidents.find({ status: 'open' })).map((i) => i._id)).toEqual([going.id]);
    expect((await incidents.find({ windowId: 'W2' })).map((i) => i._id)).toEqual([going.id]);
    expect((await incidents.find({ status: 'closed', from: iso(600), to: iso(800) })).map((i) => i._id)).toEqual([opened.id]);
    expect((await incidents.find({ from: iso(701) })).map((i) => i._id)).toEqual([going.id]);
    expect(await incidents.find({ kind: 'absence', from: iso(701) })).toEqual([]);

    const reviewed = await incidents.review(opened.id, 'confirmed', {
      by: 'jianchaju',
      at: iso(900),
      action: 'confirmed',
      reason: 'seen on the frames',
    });
    expect(reviewed?.record.review).toBe('confirmed');
    const genesis = chainGenesis({ id: opened.id, kind: 'absence', hallId: 'h1', windowId: 'W1', openedAt: iso(70) });
    expect(reviewed?.record.audit).toEqual([
      { by: 'jianchaju', at: new Date(t(900)), action: 'confirmed', reason: 'seen on the frames', prev: genesis, hash: expect.any(String) },
    ]);
    expect(await incidents.review('absence:h1:W9:1', 'dismissed', { by: 'x', at: iso(900), action: 'dismissed' })).toBeNull();
  });

  it('never loses a review that lands beside the close of its incident', async () => {
    const ids = Array.from({ length: 20 }, (_, k) => `absence:h1:W3:${t(1000 + k)}`);
    for (const id of ids) await incidents.upsert({ id, kind: 'absence', hallId: 'h1', windowId: 'W3', openedAt: iso(1000) });
    await Promise.all(
      ids.flatMap((id) => [
        incidents.upsert({
          id,
          kind: 'absence',
          hallId: 'h1',
          windowId: 'W3',
          openedAt: iso(1000),
          closedAt: iso(1100),
          durationMs: 100_000,
        }),
        incidents.review(id, 'confirmed', { by: 'jianchaju', at: iso(1050), action: 'confirmed' }),
      ]),
    );
    for (const id of ids)
      expect(await incidents.get(id)).toMatchObject({
        review: 'confirmed',
        audit: [expect.objectContaining({ by: 'jianchaju' })],
        closedAt: new Date(t(1100)),
      });
  });

  it('never loses a review, an appeal or evidence views landing together, and keeps the trail in order', async () => {
    const ids = Array.from({ length: 10 }, (_, k) => `absence:h1:W5:${t(2000 + k)}`);
    for (const id of ids)
      await incidents.upsert({ id, kind: 'absence', hallId: 'h1', windowId: 'W5', openedAt: iso(2000), closedAt: iso(2100) });
    // All stamped with the same instant, as two instances with a lagging clock could.
    const entry = (action: string, extra: object = {}) => ({
      by: action === 'appealed' ? 'chief-h1' : 'jianchaju',
      at: iso(2200),
      action,
      ...extra,
    });
    await Promise.all(
      ids.flatMap((id) => [
        incidents.review(id, 'confirmed', entry('confirmed', { reason: 'seen' })),
        incidents.review(id, 'appealed', entry('appealed', { reason: 'not me' }), (r) => r.review !== 'appealed'),
        incidents.note(id, entry('evidence-viewed', { n: 0 })),
        incidents.note(id, entry('evidence-viewed', { n: 1 })),
      ]),
    );
    for (const id of ids) {
      const { review, audit } = (await incidents.get(id))!;
      expect(audit!.map((a) => a.action).sort()).toEqual(['appealed', 'confirmed', 'evidence-viewed', 'evidence-viewed']);
      const times = audit!.map((a) => a.at.getTime());
      expect(times.slice(1).every((at, k) => at > times[k])).toBe(true);
      // The status is whichever of the decision and the appeal came last.
      expect(review).toBe(audit!.filter((a) => a.action !== 'evidence-viewed').pop()!.action);
      // Appended one at a time under the lock: one unbroken chain.
      expect(verifyChain({ id, kind: 'absence', hallId: 'h1', windowId: 'W5', openedAt: iso(2000) }, audit!)).toMatchObject({
        entries: 4,
        unchained: 0,
        broken: undefined,
      });
    }
  });

  it('keeps evidence once per frame, lists the old frames by incident and removes those asked', async () => {
    const confirmed = `absence:h1:W1:${t(70)}`; // confirmed above
    const other = `absence:h1:W2:${t(80)}`;
    const appealed = `absence:h1:W4:${t(90)}`;
    await incidents.upsert({ id: appealed, kind: 'absence', hallId: 'h1', windowId: 'W4', openedAt: iso(90), closedAt: iso(95) });
    expect((await incidents.review(appealed, 'appealed', { by: 'chief-h1', at: iso(900), action: 'appealed' }))?.changed).toBe(true);
    const jpeg = (text: string) => Buffer.concat([Buffer.from([0xff, 0xd8]), Buffer.from(text)]);
    await evidence.put({ incidentId: appealed, n: 1, role: 'threshold', capturedAt: new Date(t(92)) }, jpeg('d'));
    await evidence.put({ incidentId: confirmed, n: 1, role: 'threshold', capturedAt: new Date(t(75)) }, jpeg('a'));
    await evidence.put({ incidentId: confirmed, n: 1, role: 'threshold', capturedAt: new Date(t(75)) }, jpeg('again'));
    await evidence.put({ incidentId: other, n: 1, role: 'threshold', capturedAt: new Date(t(85)) }, jpeg('b'));
    await evidence.put({ incidentId: other, n: 2, role: 'end', capturedAt: new Date(t(5000)) }, jpeg('c'));
    expect((await evidence.get(confirmed, 1))?.jpeg.toString('latin1')).toBe(jpeg('a').toString('latin1'));
    // The SHA-256 of the bytes stored, computed as they were stored.
    expect((await evidence.get(confirmed, 1))?.file.sha256).toBe(createHash('sha256').update(jpeg('a')).digest('hex'));
    expect((await evidence.list([confirmed])).get(confirmed)).toHaveLength(1);

    // Which of them go is the purge's judgement, per incident under its lock (retention.e2e-spec).
    const old = await evidence.capturedBefore(new Date(t(1000)));
    expect([...old.keys()].sort()).toEqual([appealed, confirmed, other].sort());
    expect(old.get(other)).toHaveLength(1);
    expect(await evidence.remove(old.get(other)!)).toBe(1);
    expect(await evidence.get(other, 1)).toBeNull();
    expect(await evidence.get(other, 2)).not.toBeNull();
    expect(await evidence.get(confirmed, 1)).not.toBeNull();
    expect(await evidence.get(appealed, 1)).not.toBeNull();
  });

  it("appends each output to a hall's outbox with its state, keeps them through plain saves until a save says delivered", async () => {
    const a = { owner: 'inf-a', token: 7 };
    const entry = (seq: number) => ({
      key: `e${seq}`,
      seq,
      output: JSON.stringify({ presence: [{ windowId: 'W1', seq }], incidents: [] }),
    });
    await states.save('h1', a, { clock: 1 }, entry(0));
    await states.save('h1', a, { clock: 2 }, entry(1)); // the first is not delivered yet: both stay
    await states.save('h1', a, { clock: 3 });
    const saved = await states.load('h1');
    expect(JSON.parse(saved!.snapshot)).toEqual({ clock: 3 });
    expect(outboxOf(saved!).map((e) => JSON.parse(e.output).presence[0].seq)).toEqual([0, 1]);
    expect(saved).toMatchObject({ owner: 'inf-a', fence: 7 });
    await states.save('h1', a, { clock: 4 }, entry(2), ['e0']); // appended and removed in one write
    const left = await states.load('h1');
    expect(outboxOf(left!).map((e) => e.key)).toEqual(['e1', 'e2']);
    expect(JSON.parse(left!.snapshot)).toEqual({ clock: 4 });
    await states.save('h1', a, { clock: 5 }, undefined, ['e1', 'e2']);
    expect((await states.load('h1'))!.outbox).toEqual({});
    expect(await states.load('h2')).toBeNull();
  });

  it('refuses every write of an older lease holder once a later one claimed or wrote the hall', async () => {
    const old = { owner: 'inf-a', token: 10 };
    const successor = { owner: 'inf-b', token: 25 };
    await states.save('h3', old, { clock: 1 }, { key: 'e0', seq: 0, output: '{}' });
    await states.claim('h3', successor);
    await expect(states.save('h3', old, { clock: 2 })).rejects.toBeInstanceOf(FencedOut);
    await expect(states.save('h3', old, { clock: 2 }, undefined, ['e0'])).rejects.toBeInstanceOf(FencedOut);
    await states.save('h3', successor, { clock: 3 });
    const saved = await states.load('h3');
    expect(saved).toMatchObject({ owner: 'inf-b', fence: 25 });
    expect(JSON.parse(saved!.snapshot)).toEqual({ clock: 3 });
    expect(outboxOf(saved!).map((e) => e.key)).toEqual(['e0']); // the successor delivers it
    // A claim on a hall never saved stores nothing, and the first save is the claimant's.
    await states.claim('h4', old);
    expect(await states.load('h4')).toBeNull();
  });
});
