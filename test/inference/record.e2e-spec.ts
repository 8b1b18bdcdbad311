import type { ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import mongoose, { mongo } from 'mongoose';
import { chainEntry, type ChainEntry } from '@hallwatch/domain';
import { hashPassword } from '@hallwatch/runtime';
import { startRtspServer } from '../../apps/cli/src/demo-camera';
import { eventually, freePort, login, MEDIA, RunningService, runCli, startService, testDatabaseUri } from '../support/e2e';
import { emptyWindowSite } from './inference-harness';
import { OwnedServer, tempDir } from '../support/faults';

interface Incident {
  id: string;
  kind: string;
  hallId: string;
  windowId?: string;
  openedAt: string;
  closedAt?: string;
  status: string;
  final: boolean;
  audit: { by: string; at: string; action: string; reason?: string; correction?: boolean; prev?: string; hash?: string }[];
  evidence: { n: number; role: string; sha256?: string }[];
  views: { by: string; n: number }[];
}

const PASSWORD = 'record-pw';
const SUMMARY = /^audit: (\d+) incidents, (\d+) entries, (\d+) evidence frames, (\d+) broken$/m;

/**
 * The record stands up, on real services: separation of duties on an appeal (the appellant and the
 * reviewer appealed against are refused, someone else decides, then only an admin's correction
 * changes it), and `hallwatch audit verify` passes on the run, then names the incident once an
 * audit entry and an evidence file are edited in the database, and once the trail is rewritten
 * with consistent hashes (the chain heads published on NATS show it).
 */
describe('a record that stands up', () => {
  let camera: ChildProcess;
  const services: RunningService[] = [];
  let api: string;
  let env: Record<string, string>;
  let nats: OwnedServer;
  let mongodbUri: string;
  const tokens: Record<string, string> = {};
  let incident: Incident;

  beforeAll(async () => {
    const [cameraPort, httpPort] = [await freePort(), await freePort()];
    camera = await startRtspServer(cameraPort, { '/empty': path.join(MEDIA, 'empty-room.mp4') });
    const hash = await hashPassword(PASSWORD);
    const site = emptyWindowSite(cameraPort, [
      `{ username: jianchaju, role: supervisor, passwordHash: "${hash}" }`,
      `{ username: zhang, role: supervisor, passwordHash: "${hash}" }`,
      `{ username: admin, role: admin, passwordHash: "${hash}" }`,
      `{ username: chief-h1, role: hall_manager, halls: [h1], passwordHash: "${hash}" }`,
    ]);
    mongodbUri = testDatabaseUri('record');
    // A NATS of its own: verify compares the database with every chain head in the stream.
    nats = await OwnedServer.nats(tempDir('record'));
    env = { HALLWATCH_SITE: site, MONGODB_URI: mongodbUri, NATS_URL: nats.url, PORT: String(httpPort), HALLWATCH_JWT_SECRET: 'e2e-record' };
    for (const name of ['gateway', 'inference', 'ingestion']) services.push(await startService(name, env, 120000));
    api = `http://127.0.0.1:${httpPort}`;
    for (const user of ['jianchaju', 'zhang', 'admin', 'chief-h1']) tokens[user] = await login(api, user, PASSWORD);
  });

  afterAll(async () => {
    for (const s of services.reverse()) await s.stop();
    camera?.kill('SIGKILL');
    camera?.stdout?.destroy();
    camera?.stderr?.destroy();
    await nats?.stop();
  });

  const send = (method: string, url: string, user: string, body?: unknown) =>
    fetch(`${api}${url}`, {
      method,
      headers: { authorization: `Bearer ${tokens[user]}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
  const get = async (user = 'jianchaju'): Promise<Incident> =>
    (await send('GET', `/api/incidents/${encodeURIComponent(incident.id)}`, user)).json();
  const decide = (user: string, status: string, reason: string) =>
    send('PATCH', `/api/incidents/${encodeURIComponent(incident.id)}`, user, { status, reason });
  const appeal = (user: string, reason: string) =>
    send('POST', `/api/incidents/${encodeURIComponent(incident.id)}/appeal`, user, { reason });
  const verify = () => runCli(['audit', 'verify'], { ...env, NATS_URL: nats.url }, 60_000);

  it('refuses the appellant and the reviewer appealed against, lets someone else decide, then only an admin corrects', async () => {
    // The absence, closed (the camera drops) with its evidence.
    const [found] = await eventually(
      async () => {
        const list = ((await (await send('GET', '/api/incidents?kind=absence&window=W-E', 'jianchaju')).json()) as { items: Incident[] })
          .items;
        return list.length > 0 && list[0].evidence.some((e) => e.role === 'threshold') ? list : undefined;
      },
      90000,
      1000,
    );
    incident = found;
    camera.kill('SIGKILL');
    incident = await eventually(async () => ((await get()).closedAt ? get() : undefined), 60000, 1000);
    expect(incident.evidence.every((e) => /^[0-9a-f]{64}$/.test(e.sha256 ?? ''))).toBe(true);

    expect((await decide('jianchaju', 'confirmed', '窗口无人, 已核实')).status).toBe(200);
    expect((await appeal('admin', '本人不服')).status).toBe(200);

    const own = await decide('admin', 'dismissed', '申诉属实');
    expect(own.status).toBe(403);
    expect(await own.text()).toMatch(/admin filed the appeal and may not decide it/);
    const reviewer = await decide('jianchaju', 'dismissed', '申诉属实');
    expect(reviewer.status).toBe(403);
    expect(await reviewer.text()).toMatch(/jianchaju made the decision appealed against \(confirmed at /);
    expect((await get()).status).toBe('appealed');

    const other = await decide('zhang', 'dismissed', '申诉属实：后台取件');
    expect(other.status).toBe(200);
    expect(((await other.json()) as Incident).final).toBe(true);

    // Final: neither supervisor flips it, nor is it appealed again.
    for (const [user, status] of [
      ['jianchaju', 'confirmed'],
      ['zhang', 'confirmed'],
      ['zhang', 'dismissed'],
    ]) {
      const flip = await decide(user, status, '再议');
      expect(flip.status).toBe(409);
      expect(await flip.text()).toMatch(
        /appeal was decided \(dismissed by zhang at .*\): the incident is final; only an admin may correct it/,
      );
    }
    const again = await appeal('chief-h1', '再次申诉');
    expect(again.status).toBe(409);
    expect(await again.text()).toMatch(/final/);

    const correction = await decide('admin', 'confirmed', '复核更正：录像显示离岗');
    expect(correction.status).toBe(200);
    const corrected = (await correction.json()) as Incident;
    expect(corrected.status).toBe('confirmed');
    expect(corrected.audit.map((a) => [a.action, a.by, a.correction ?? false])).toEqual([
      ['confirmed', 'jianchaju', false],
      ['appealed', 'admin', false],
      ['dismissed', 'zhang', false],
      ['confirmed', 'admin', true],
    ]);
    // Chained: each entry's prev is the hash of the one before.
    expect(corrected.audit.slice(1).every((a, i) => a.prev === corrected.audit[i].hash)).toBe(true);

    // A look at the evidence goes to evidence_views, not into the trail.
    const n = corrected.evidence[0].n;
    expect((await send('GET', `/api/incidents/${encodeURIComponent(incident.id)}/evidence/${n}`, 'zhang')).status).toBe(200);
    const viewed = await get();
    expect(viewed.views).toEqual([expect.objectContaining({ by: 'zhang', n })]);
    expect(viewed.audit).toHaveLength(4);
    incident = viewed;
  });

  it('audit verify passes on the run, then names the incident after an audit entry and an evidence file are edited in the database', async () => {
    // An incident stored before hashing: counted and named as unchained, not passed silently, not broken.
    const legacy = 'absence:h1:W-E:1700000000000';
    const setup = await mongoose.createConnection(mongodbUri).asPromise();
    await setup.collection<Record<string, unknown> & { _id: string }>('incidents').insertOne({
      _id: legacy,
      kind: 'absence',
      hallId: 'h1',
      windowId: 'W-E',
      openedAt: new Date(1_700_000_000_000),
      closedAt: new Date(1_700_000_600_000),
      review: 'confirmed',
      audit: [{ by: 'jianchaju', at: new Date(1_700_001_000_000), action: 'confirmed', reason: '旧记录' }],
    });
    await setup.close();
    const clean = await verify();
    process.stdout.write(`audit verify on the run:\n${clean.stdout}`);
    expect(clean.status).toBe(0);
    const [, incidents, entries, frames, broken] = SUMMARY.exec(clean.stdout)!.map(Number);
    expect(broken).toBe(0);
    expect(incidents).toBeGreaterThanOrEqual(1);
    expect(entries).toBeGreaterThanOrEqual(4);
    expect(frames).toBeGreaterThanOrEqual(incident.evidence.length);
    expect(clean.stdout).toMatch(/chain heads: \d+ incidents compared with the stream HALLWATCH_AUDIT/);
    expect(clean.stdout).not.toMatch(/^broken:/m);
    expect(clean.stdout).toMatch(
      new RegExp(`^unchained: 1 entries and 0 evidence frames from before hashing, not verifiable, in 1 incidents: ${legacy}$`, 'm'),
    );

    const db = await mongoose.createConnection(mongodbUri).asPromise();
    try {
      const incidents = db.collection<{ _id: string; audit: ChainEntry[] }>('incidents');
      const stored = (await incidents.findOne({ _id: incident.id }))!;
      // The dismissal on appeal rewritten as a confirmation, straight in the database.
      const edited = stored.audit.map((a, i) => (i === 2 ? { ...a, action: 'confirmed', reason: '维持原判' } : a));
      await incidents.updateOne({ _id: incident.id }, { $set: { audit: edited } });
      // One byte of an evidence frame changed.
      const n = incident.evidence[0].n;
      const [file] = await db
        .collection('evidence.files')
        .find({ filename: `${incident.id}/${n}` })
        .toArray();
      const chunk = (await db.collection('evidence.chunks').findOne({ files_id: file._id, n: 0 }))!;
      const original = Buffer.from((chunk.data as mongo.Binary).buffer);
      const altered = Buffer.from(original);
      altered[altered.length - 10] ^= 0xff;
      await db.collection('evidence.chunks').updateOne({ _id: chunk._id }, { $set: { data: new mongo.Binary(altered) } });

      const caught = await verify();
      process.stdout.write(`audit verify after the edits:\n${caught.stdout}`);
      expect(caught.status).toBe(1);
      expect(SUMMARY.exec(caught.stdout)![4]).toBe('1');
      const line = caught.stdout.split('\n').find((l) => l.startsWith(`broken: incident ${incident.id}:`));
      expect(line).toMatch(/entry 2 \(confirmed by zhang\): its content does not match its hash/);
      expect(line).toMatch(new RegExp(`evidence frame ${n} does not match its SHA-256 recorded at capture`));
      // The altered frame is not served as evidence.
      const served = await send('GET', `/api/incidents/${encodeURIComponent(incident.id)}/evidence/${n}`, 'zhang');
      expect(served.status).toBe(409);
      expect(await served.text()).toMatch(/does not match the SHA-256 recorded when it was captured/);

      // A rewrite that recomputes every hash holds in the database alone; the published heads show it.
      await db.collection('evidence.chunks').updateOne({ _id: chunk._id }, { $set: { data: new mongo.Binary(original) } });
      const genesis = {
        id: incident.id,
        kind: incident.kind,
        hallId: incident.hallId,
        windowId: incident.windowId,
        openedAt: incident.openedAt,
      };
      const rehashed: ChainEntry[] = [];
      for (const entry of edited) rehashed.push(chainEntry(genesis, rehashed, entry));
      await incidents.updateOne({ _id: incident.id }, { $set: { audit: rehashed } });
      const rewritten = await verify();
      expect(rewritten.status).toBe(1);
      expect(rewritten.stdout.split('\n').find((l) => l.startsWith(`broken: incident ${incident.id}:`))).toMatch(
        /entry 3 differs from the chain head published at .* \(the trail was rewritten\)$/,
      );
    } finally {
      await db.close();
    }
  });
});
