import * as fs from 'node:fs';
import * as path from 'node:path';
import { MongoClient } from 'mongodb';
import { connect, JetStreamManager, NatsConnection } from 'nats';
import { encodeMessage, incidentSubject, Subjects } from '@hallwatch/contracts';
import { chainEntry, UNHELD_CLOSE_REASON } from '@hallwatch/domain';
import { ensureNats, Embedded, hashPassword, listDeadLetters } from '@hallwatch/runtime';
import { eventually, freePort, RunningService, runCli, startService, testDatabaseUri, writeSiteFile } from '../support/e2e';

const DAY = '2024-03-04'; // a Monday, Asia/Shanghai
const t = (hhmm: string) => `${DAY}T${hhmm}:00+08:00`;
/** What reporting keeps of the events the test sends: the data a restore must bring back, counted once. */
const COLLECTIONS = ['presence_days', 'reporting_incidents', 'leaves', 'window_days', 'window_months'];

const incident = {
  id: 'I1',
  kind: 'absence' as const,
  hallId: 'H1',
  windowId: 'W1',
  staff: 'S010',
  openedAt: t('10:00'),
  closedAt: t('10:20'),
};

/**
 * Backup while reporting runs, then a confirmation, an appeal, a leave and 20 presence changes;
 * reporting stopped, its database wiped, the backup restored: at start the streams give back
 * everything after the backup, each counted once. With the streams wiped too, the restore lists
 * what is lost and the data is the backup's. A NATS server of its own: the restore makes its
 * consumers again, which must not touch the other files' streams.
 */
describe('backup and restore: nothing JetStream still holds is lost', () => {
  let nats: Embedded;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let db: MongoClient;
  let env: Record<string, string>;
  let reporting: RunningService | undefined;
  let backupDir: string;

  beforeAll(async () => {
    const dataDir = fs.mkdtempSync(path.join(process.env.HALLWATCH_TEST_DATA_DIR ?? '/tmp', 'backup-'));
    nats = await ensureNats(undefined, dataDir, await freePort());
    nc = await connect({ servers: nats.url });
    jsm = await nc.jetstreamManager();
    const uri = testDatabaseUri('backup');
    db = await new MongoClient(uri).connect();
    const hash = await hashPassword('backup-test-pw');
    const site = writeSiteFile(`
timezone: Asia/Shanghai
halls:
  - { id: H1, name: City hall, kind: hall }
cameras:
  - { id: cam1, hall: H1, rtsp: "rtsp://127.0.0.1:9/none" }
windows:
  - { id: W1, hall: H1, name: Tax 1, department: tax, camera: cam1, zone: [[0,0],[1,0],[1,1]] }
  - { id: W2, hall: H1, name: Tax 2, department: tax, camera: cam1, zone: [[0,0],[1,0],[1,1]] }
schedules:
  default: { weekdays: [mon, tue, wed, thu, fri], open: ["09:00-12:00", "13:00-17:00"] }
rosters:
  - { window: W1, staff: S010, weekdays: [mon, tue, wed, thu, fri], from: "09:00", to: "17:00" }
users:
  - { username: admin, role: admin, passwordHash: "${hash}" }
`);
    env = { HALLWATCH_SITE: site, MONGODB_URI: uri, NATS_URL: nats.url, HALLWATCH_METRICS_PORT: '0', HALLWATCH_DATA_DIR: dataDir };
    backupDir = path.join(dataDir, 'backup');
  }, 60_000);

  afterAll(async () => {
    await reporting?.stop();
    await nc?.close();
    await db?.close();
    nats?.process?.kill('SIGTERM');
  });

  const js = () => nc.jetstream();
  const presence = (windowId: string, state: string, at: string) =>
    js().publish(Subjects.presence(windowId), encodeMessage({ windowId, hallId: 'H1', state, since: t(at), at: t(at) }));
  const reviewed = (review: 'confirmed' | 'appealed', at: string) =>
    js().publish(
      incidentSubject('reviewed', { ...incident, review, reviewedAt: t(at) }),
      encodeMessage({ ...incident, review, reviewedAt: t(at) }),
    );

  /** Reporting's documents, the rollups without their write counters (a replay may write a rollup again to the same figures). */
  const snapshot = async () =>
    Object.fromEntries(
      await Promise.all(
        COLLECTIONS.map(async (c) => {
          const docs = await db.db().collection(c).find().sort({ _id: 1 }).toArray();
          return [c, c.startsWith('window_') ? docs.map(({ version: _v, ...rest }) => rest) : docs] as const;
        }),
      ),
    );

  /** Until every durable consumer has handled everything its stream holds. */
  const settled = () =>
    eventually(async () => {
      for (const s of await jsm.streams.list().next()) {
        if (s.config.name.startsWith('KV_')) continue;
        for (const c of await jsm.consumers.list(s.config.name).next()) if (c.num_pending > 0 || c.num_ack_pending > 0) return undefined;
      }
      return true;
    }, 60_000);

  const deadLetters = () => listDeadLetters(nc);
  const database = () => path.basename(new URL(env.MONGODB_URI).pathname);

  const stopAndWipe = async () => {
    await reporting!.stop();
    reporting = undefined;
    await db.db().dropDatabase();
  };

  it('brings back a confirmation, an appeal, a leave and 20 presence changes made after the backup, each counted once', async () => {
    reporting = await startService('reporting', env);
    await presence('W1', 'closed', '08:30');
    await presence('W1', 'staffed', '09:00');
    await js().publish(incidentSubject('closed', incident), encodeMessage(incident));
    // A message reporting cannot read: moved to the dead letters, which the backup copies.
    await js().publish(Subjects.presence('W1'), Buffer.from('not json'));
    await settled();
    expect(await deadLetters()).toHaveLength(1);
    const atBackup = await snapshot();

    const backup = await runCli(['backup', backupDir], env);
    expect(backup.stderr).toBe('');
    expect(backup.status).toBe(0);
    expect(backup.stdout).toMatch(/backup: \d+ document\(s\) of 1 database\(s\)/);
    expect(backup.stdout).toContain('backup: 1 dead letter(s)');
    expect(fs.existsSync(path.join(backupDir, 'deadletters.jsonl'))).toBe(true);

    await reviewed('confirmed', '18:00');
    await reviewed('appealed', '18:30');
    const leaves = path.join(backupDir, '..', 'leaves.csv');
    fs.writeFileSync(leaves, `id,staffId,kind,from,to,reason\nL1,S010,leave,${t('10:00')},${t('10:20')},事假\n`);
    const imported = await runCli(['import', 'leaves', leaves, '--approved-by', 'admin'], env);
    expect(imported.stdout).toContain('1 accepted, 0 rejected');
    // 20 presence changes of W2: staffed and absent by turns, every 5 minutes from 09:00.
    for (let i = 0; i < 20; i++) {
      const minutes = 9 * 60 + 5 * i;
      await presence(
        'W2',
        i % 2 === 0 ? 'staffed' : 'absent',
        `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`,
      );
    }
    await settled();
    const beforeStop = await snapshot();
    expect(beforeStop).not.toEqual(atBackup);

    await stopAndWipe();
    const restore = await runCli(['restore', backupDir], env);
    expect(restore.stderr).toBe('');
    expect(restore.status).toBe(0);
    expect(restore.stdout).toContain('restore: done; nothing lost that a stream carries');
    expect(restore.stdout).not.toContain('lost:');
    // What no stream carries is named, with its count in the backup and the backup's time.
    const { startedAt } = JSON.parse(fs.readFileSync(path.join(backupDir, 'manifest.json'), 'utf8')) as { startedAt: string };
    for (const collection of ['complaints', 'rectifications', 'cases'])
      expect(restore.stdout).toContain(`restore: not replayed: ${database()}.${collection} (0 in the backup of ${startedAt}): `);
    expect(restore.stdout).toContain('consumer HALLWATCH_PRESENCE/reporting replays from #');
    expect(restore.stdout).toContain('restore: dead letters: 0 put back into HALLWATCH_DEADLETTER, 1 still there');
    expect(await deadLetters()).toHaveLength(1);
    expect(await snapshot()).toEqual(atBackup);

    reporting = await startService('reporting', env);
    await settled();
    const after = await snapshot();
    expect(after).toEqual(beforeStop);
    const w2 = await db
      .db()
      .collection('presence_days')
      .findOne({ _id: `W2|${DAY}` as never });
    expect(w2?.changes).toHaveLength(20);
    expect(
      await db
        .db()
        .collection('reporting_incidents')
        .findOne({ _id: 'I1' as never }),
    ).toMatchObject({ review: 'appealed' });
    expect(
      await db
        .db()
        .collection('leaves')
        .findOne({ _id: 'L1' as never }),
    ).toMatchObject({ status: 'approved', version: 1 });
  }, 300_000);

  it('with the streams wiped too, lists what is lost and gives back exactly the backup', async () => {
    await stopAndWipe();
    const atBackupFiles = JSON.parse(fs.readFileSync(path.join(backupDir, 'manifest.json'), 'utf8')) as { streams: { name: string }[] };
    for (const s of await jsm.streams.list().next()) if (!s.config.name.startsWith('KV_')) await jsm.streams.delete(s.config.name);

    const restore = await runCli(['restore', backupDir], env);
    expect(restore.status).toBe(0);
    for (const stream of ['HALLWATCH_PRESENCE', 'HALLWATCH_INCIDENTS', 'HALLWATCH_LEAVES'])
      expect(restore.stdout).toMatch(
        new RegExp(`lost: ${stream} for consumer [\\w-]+: every message after #\\d+: the stream no longer exists`),
      );
    expect(restore.stdout).toMatch(/restore: done; \d+ consumer\(s\) cannot replay what came after the backup/);
    expect(restore.stdout).toMatch(/restore: not replayed: \w+\.complaints \(0 in the backup of [\dT:.-]+Z\): complaints entered since/);
    expect(atBackupFiles.streams.map((s) => s.name)).toContain('HALLWATCH_LEAVES');

    // The dead letter is back where it was, with where it came from; a second restore adds it not again.
    expect(restore.stdout).toContain('restore: dead letters: 1 put back into HALLWATCH_DEADLETTER, 0 still there');
    const [letter] = await deadLetters();
    expect(letter).toMatchObject({ stream: 'HALLWATCH_PRESENCE', consumer: 'reporting', subject: Subjects.presence('W1') });
    expect(Buffer.from(letter.data).toString()).toBe('not json');
    const again = await runCli(['restore', backupDir], env);
    expect(again.stdout).toContain('restore: dead letters: 0 put back into HALLWATCH_DEADLETTER, 1 still there');
    expect(await deadLetters()).toHaveLength(1);

    const restored = await snapshot();
    expect(await db.db().collection('leaves').countDocuments()).toBe(0);
    expect(
      await db
        .db()
        .collection('presence_days')
        .countDocuments({ _id: `W2|${DAY}` as never }),
    ).toBe(0);
    expect(
      await db
        .db()
        .collection('reporting_incidents')
        .findOne({ _id: 'I1' as never }),
    ).not.toHaveProperty('review', 'appealed');
    reporting = await startService('reporting', env);
    await settled();
    expect(await snapshot()).toEqual(restored);
  }, 300_000);

  it('refuses a damaged backup naming the file, a directory that is no backup, and a restore while a service runs', async () => {
    const file = path.join(backupDir, 'db', database(), 'leaves.jsonl');
    const original = fs.readFileSync(file);
    fs.appendFileSync(file, '{}\n');
    try {
      const damaged = await runCli(['restore', backupDir], env);
      expect(damaged.status).toBe(1);
      expect(damaged.stderr).toMatch(
        /the backup does not match its manifest, nothing restored:\n {2}db\/\w+\/leaves\.jsonl: SHA-256 [0-9a-f]{64} is not the manifest's/,
      );
    } finally {
      fs.writeFileSync(file, original);
    }
    const none = await runCli(['restore', path.dirname(backupDir)], env);
    expect(none.stderr).toContain('holds no manifest.json: not a backup of `hallwatch backup`');
    // Reporting runs (since the previous test): its consumers are being read.
    const running = await runCli(['restore', backupDir], env);
    expect(running.status).toBe(1);
    expect(running.stderr).toMatch(/restore: the services are running \(consumer HALLWATCH_\w+\/[\w-]+ is being read/);
    const again = await runCli(['backup', backupDir], env);
    expect(again.stderr).toContain('exists and is not an empty directory; give a new one');
  }, 120_000);

  it('inference puts a review back from the stream into an incident that lacks it, once', async () => {
    // An incident of inference's as a backup older than its confirmation holds it.
    const openedAt = new Date(t('14:00'));
    await db
      .db()
      .collection('incidents')
      .insertOne({
        _id: 'I9',
        kind: 'absence',
        hallId: 'H1',
        windowId: 'W1',
        openedAt,
        closedAt: new Date(t('14:30')),
        durationMs: 1_800_000,
      } as never);
    const entry = chainEntry({ id: 'I9', kind: 'absence', hallId: 'H1', windowId: 'W1', openedAt }, [], {
      by: 'jianchaju',
      at: new Date(t('18:00')),
      action: 'confirmed',
      reason: '核实属实',
    });
    const message = {
      id: 'I9',
      kind: 'absence' as const,
      hallId: 'H1',
      windowId: 'W1',
      openedAt: openedAt.toISOString(),
      closedAt: t('14:30'),
      review: 'confirmed' as const,
      reviewedAt: entry.at.toISOString(),
      audit: { ...entry, at: entry.at.toISOString() },
    };
    const inference = await startService('inference', env);
    try {
      // Twice, as a replay delivers it again: put back once.
      for (let i = 0; i < 2; i++) await js().publish(incidentSubject('reviewed', message), encodeMessage(message));
      await settled();
      const doc = await db
        .db()
        .collection('incidents')
        .findOne({ _id: 'I9' as never });
      expect(doc?.review).toBe('confirmed');
      expect(doc?.audit).toEqual([{ ...entry }]);
      expect(inference.output()).toContain('incident I9: confirmed of');
    } finally {
      await inference.stop();
    }
  }, 180_000);

  it('inference rebuilds an incident opened after the backup from the stream, with its excuse and review, each once', async () => {
    const dir = path.join(path.dirname(backupDir), 'backup-incidents');
    let inference = await startService('inference', env);
    const backup = await runCli(['backup', dir], env);
    expect(backup.status).toBe(0);
    const openedAt = new Date(t('15:00'));
    const chained = { id: 'I10', kind: 'absence' as const, hallId: 'H1', windowId: 'W1', openedAt };
    const excuse = chainEntry(chained, [], { by: 'admin', at: new Date(t('15:01')), action: 'excused', reason: 'leave L2: 事假' });
    const review = chainEntry(chained, [excuse], { by: 'jianchaju', at: new Date(t('18:00')), action: 'confirmed', reason: '核实属实' });
    const iso = (e: typeof excuse) => ({ ...e, at: e.at.toISOString() });
    const opened = { ...chained, staff: 'S010', openedAt: openedAt.toISOString(), leaveId: 'L2' };
    const closed = { ...opened, closedAt: t('15:30'), durationMs: 1_800_000 };
    // As inference publishes them: the opened one excused at once, with its excuse entry; then the close, then the review.
    const events = [
      [incidentSubject('opened', opened), { ...opened, audit: iso(excuse) }],
      [incidentSubject('closed', closed), closed],
      [
        incidentSubject('reviewed', { ...closed, review: 'confirmed' as const, reviewedAt: t('18:00') }),
        { ...closed, review: 'confirmed', reviewedAt: t('18:00'), audit: iso(review) },
      ],
    ] as const;
    for (const [subject, message] of events) await js().publish(subject, encodeMessage(message));
    await settled();
    await inference.stop();
    await stopAndWipe();
    const restore = await runCli(['restore', dir], env);
    expect(restore.status).toBe(0);
    expect(restore.stdout).toContain('consumer HALLWATCH_INCIDENTS/inference-reviews replays from #');
    expect(
      await db
        .db()
        .collection('incidents')
        .findOne({ _id: 'I10' as never }),
    ).toBeNull();

    inference = await startService('inference', env);
    reporting = await startService('reporting', env);
    try {
      await settled();
      // A replay delivers them again: each is put back once.
      for (const [subject, message] of events) await js().publish(subject, encodeMessage(message));
      await settled();
      const doc = await db
        .db()
        .collection('incidents')
        .findOne({ _id: 'I10' as never });
      expect(doc).toMatchObject({
        kind: 'absence',
        windowId: 'W1',
        staff: 'S010',
        leaveId: 'L2',
        review: 'confirmed',
        durationMs: 1_800_000,
      });
      expect(doc?.closedAt).toEqual(new Date(t('15:30')));
      expect(doc?.audit).toEqual([{ ...excuse }, { ...review }]);
      expect(inference.output()).toContain(`incident I10: opened of ${openedAt.toISOString()} put back from the stream`);
      expect(inference.output()).toContain(`incident I10: confirmed of ${review.at.toISOString()} put back from the stream`);
      expect(
        await db
          .db()
          .collection('reporting_incidents')
          .findOne({ _id: 'I10' as never }),
      ).toMatchObject({ review: 'confirmed', leaveId: 'L2' });
    } finally {
      await inference.stop();
    }
  }, 300_000);

  it('inference puts back the presence intervals recorded after the backup, each once, and closes an incident its restored hall state never knew', async () => {
    const dir = path.join(path.dirname(backupDir), 'backup-presence');
    const day = '2024-03-05';
    reporting ??= await startService('reporting', env);
    let inference = await startService('inference', env);
    await settled();
    const backup = await runCli(['backup', dir], env);
    expect(backup.stderr).toBe('');
    expect(backup.status).toBe(0);
    // 20 changes of W1, staffed and absent by turns every 5 minutes from 09:00, each published twice (a replay delivers them again).
    const since = (i: number) => new Date(Date.parse(`${day}T09:00:00+08:00`) + i * 300_000);
    const changes = Array.from({ length: 20 }, (_, i) => ({
      windowId: 'W1',
      hallId: 'H1',
      state: i % 2 === 0 ? 'staffed' : 'absent',
      since: since(i).toISOString(),
      at: since(i).toISOString(),
    }));
    for (const change of [...changes, ...changes]) await js().publish(Subjects.presence('W1'), encodeMessage(change));
    // An absence inference opened after the backup and had not closed when it stopped.
    const open = { id: 'I11', kind: 'absence' as const, hallId: 'H1', windowId: 'W1', staff: 'S010', openedAt: `${day}T16:00:00.000Z` };
    await js().publish(incidentSubject('opened', open), encodeMessage(open));
    await settled();
    const intervals = () =>
      db
        .db()
        .collection('presence_intervals')
        .find({ windowId: 'W1', since: { $gte: since(0), $lte: since(19) } })
        .sort({ since: 1 })
        .toArray();
    const incidentOf = (collection: string) =>
      db
        .db()
        .collection(collection)
        .findOne({ _id: 'I11' as never });
    expect(await intervals()).toHaveLength(20);
    const rebuilt = await incidentOf('incidents');
    expect(rebuilt).not.toBeNull();
    expect(rebuilt?.closedAt ?? null).toBeNull();
    await inference.stop();

    await stopAndWipe();
    const restore = await runCli(['restore', dir], env);
    expect(restore.status).toBe(0);
    expect(restore.stdout).toContain('consumer HALLWATCH_PRESENCE/inference-presence replays from #');
    expect(restore.stdout).not.toMatch(/not replayed: \w+\.presence_intervals/);
    expect(await intervals()).toHaveLength(0);
    expect(await incidentOf('incidents')).toBeNull();

    inference = await startService('inference', env);
    reporting = await startService('reporting', env);
    try {
      await settled();
      const restored = await intervals();
      expect(restored.map((i) => [i.state, i.since])).toEqual(changes.map((c) => [c.state, new Date(c.since)]));
      expect(restored.slice(0, -1).map((i) => i.until)).toEqual(restored.slice(1).map((i) => i.since));
      // Closed by the hall's holder at its opening, the last time its record shows (no evidence frame came back).
      const closed = await eventually(
        async () => ((await incidentOf('incidents'))?.closedAt ? incidentOf('incidents') : undefined),
        60_000,
      );
      expect(closed).toMatchObject({ closedAt: new Date(open.openedAt), durationMs: 0 });
      expect(closed?.audit).toEqual([expect.objectContaining({ by: 'inference', action: 'closed', reason: UNHELD_CLOSE_REASON })]);
      await settled();
      expect(await incidentOf('reporting_incidents')).toMatchObject({ closedAt: new Date(open.openedAt) });
      expect(inference.output()).toContain('incident I11: closed at');
    } finally {
      await inference.stop();
    }
  }, 300_000);
});
