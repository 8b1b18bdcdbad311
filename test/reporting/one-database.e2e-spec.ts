import type { ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import mongoose from 'mongoose';
import { hashPassword } from '@hallwatch/runtime';
import { localDate } from '@hallwatch/stats';
import { decodeJpeg, sampleVideo, type RgbFrame } from '@hallwatch/vision';
import { startRtspServer } from '../../apps/cli/src/demo-camera';
import { eventually, freePort, login, MEDIA, RunningService, startService, testDatabaseUri } from '../support/e2e';
import { emptyWindowSite, EventLog, incidentsById } from '../inference/inference-harness';
import { OwnedServer, tempDir } from '../support/faults';
import { meanAbsDiff, roughness } from '../support/image-measure';

interface Incident {
  id: string;
  kind: string;
  windowId?: string;
  cameraId?: string;
  closedAt?: string;
  durationMs?: number;
  status: string;
  audit: { by: string; at: string; action: string; reason?: string; n?: number }[];
  evidence: { n: number; role: string }[];
  views: { by: string; at: string; n: number }[];
}

const PASSWORD = 'one-db-pw';

/**
 * Inference and reporting on ONE database, as deployed: the supervisor's review, the audit trail
 * and the evidence of a confirmed absence survive its closing, and the statistics count it as
 * confirmed (reporting keeps its own collections and learns of the review from NATS). Then the
 * hall manager appeals it: undecided (appealed) in both services until the supervisor decides
 * again (another supervisor: the reviewer appealed against may not decide the appeal); every step
 * is in the audit trail and every look at the evidence in its views; the evidence was stored
 * blurred outside the window's zone (evidence.mask defaults to outside-zones).
 */
describe('inference and reporting on one database', () => {
  let camera: ChildProcess;
  const services: RunningService[] = [];
  let api: string;
  let supervisor: string;
  let second: string;
  let manager: string;
  let absenceId: string;
  let events: EventLog;
  let mongodbUri: string;
  let nats: OwnedServer;

  beforeAll(async () => {
    const [cameraPort, httpPort] = [await freePort(), await freePort()];
    camera = await startRtspServer(cameraPort, { '/empty': path.join(MEDIA, 'empty-room.mp4') });
    const hash = await hashPassword(PASSWORD);
    const site = emptyWindowSite(cameraPort, [
      `{ username: jianchaju, role: supervisor, passwordHash: "${hash}" }`,
      `{ username: zhang, role: supervisor, passwordHash: "${hash}" }`,
      `{ username: chief-h1, role: hall_manager, halls: [h1], passwordHash: "${hash}" }`,
    ]);
    mongodbUri = testDatabaseUri('one_db');
    // A NATS of its own: on the shared test server, a new reporting consumer first replays every
    // earlier file's incidents and presence, which can outlast this test's waits.
    nats = await OwnedServer.nats(tempDir('one-db'));
    const env = {
      HALLWATCH_SITE: site,
      MONGODB_URI: mongodbUri,
      NATS_URL: nats.url,
      PORT: String(httpPort),
      HALLWATCH_JWT_SECRET: 'e2e-one-db',
    };
    events = await EventLog.connect(nats.url);
    for (const name of ['gateway', 'reporting', 'inference', 'ingestion']) services.push(await startService(name, env, 120000));
    api = `http://127.0.0.1:${httpPort}`;
    supervisor = await login(api, 'jianchaju', PASSWORD);
    second = await login(api, 'zhang', PASSWORD);
    manager = await login(api, 'chief-h1', PASSWORD);
  });

  afterAll(async () => {
    for (const s of services.reverse()) await s.stop();
    camera?.kill('SIGKILL');
    camera?.stdout?.destroy();
    camera?.stderr?.destroy();
    await events?.close();
    await nats?.stop();
  });

  const get = (url: string) => fetch(`${api}${url}`, { headers: { authorization: `Bearer ${supervisor}` } });
  const json = async <T>(url: string): Promise<T> => {
    const res = await get(url);
    if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };

  it('keeps the review, audit trail and evidence of a confirmed absence after it closes, and counts it as confirmed', async () => {
    const [absence] = await eventually(
      async () => {
        const found = (await json<{ items: Incident[] }>('/api/incidents?kind=absence&window=W-E')).items;
        return found.length > 0 && found[0].evidence.some((e) => e.role === 'threshold') ? found : undefined;
      },
      90000,
      1000,
    );
    const url = `/api/incidents/${encodeURIComponent(absence.id)}`;
    const patch = await fetch(`${api}${url}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${supervisor}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'confirmed', reason: '窗口无人, 已核实' }),
    });
    expect(patch.status).toBe(200);

    // The camera drops: the window is unknown from then on and the absence closes.
    camera.kill('SIGKILL');
    const closed = await eventually(
      async () => {
        const i = await json<Incident>(url);
        return i.closedAt ? i : undefined;
      },
      60000,
      1000,
    );
    expect(closed).toMatchObject({
      status: 'confirmed',
      windowId: 'W-E',
      audit: [{ by: 'jianchaju', action: 'confirmed', reason: '窗口无人, 已核实' }],
    });
    expect(closed.durationMs).toBeGreaterThanOrEqual(5000);
    expect(closed.evidence.map((e) => e.role)).toContain('threshold');
    const image = await get(`${url}/evidence/${closed.evidence[0].n}`);
    expect(image.status).toBe(200);
    absenceId = absence.id;

    const today = localDate('Asia/Shanghai', Date.now());
    const row = await eventually(
      async () => {
        const rows = await json<Record<string, unknown>[]>(`/api/stats/attendance?from=${today}&to=${today}&groupBy=window`);
        const w = rows.find((r) => r.window === 'W-E');
        return w && w.incidentsConfirmed === 1 ? w : undefined;
      },
      30000,
      1000,
    );
    expect(row).toMatchObject({ absenceIncidents: 1, incidentsConfirmed: 1, incidentsOpen: 0, incidentsClosed: 0, incidentsDismissed: 0 });

    // Events in vs records out: one incident opened, closed and reviewed; stored once by each owner.
    const absenceEvents = (await events.incidents()).filter((e) => e.kind === 'absence');
    const reviews = absenceEvents.filter((e) => 'review' in e);
    expect(reviews).toEqual([expect.objectContaining({ id: absence.id, review: 'confirmed' })]);
    const published = incidentsById(absenceEvents.filter((e) => !('review' in e)));
    const db = await mongoose.createConnection(mongodbUri).asPromise();
    try {
      const stored = await db.collection('incidents').findOne({ _id: absence.id } as never);
      // The decision is in the trail; the supervisor's look at the evidence frame in evidence_views.
      expect(stored).toMatchObject({ review: 'confirmed', audit: [expect.objectContaining({ action: 'confirmed' })] });
      expect(await db.collection('evidence_views').find({ incidentId: absence.id }).toArray()).toEqual([
        expect.objectContaining({ by: 'jianchaju', n: closed.evidence[0].n }),
      ]);
      expect(await db.collection('reporting_incidents').countDocuments({ kind: 'absence' })).toBe(published.size);
      process.stdout.write(
        `one database: ${published.size} absence(s) published (${[...published.values()].reduce((n, e) => n + e.opened.length + e.closed.length, 0)} open/close events, ${reviews.length} review), ` +
          `${await db.collection('incidents').countDocuments({ kind: 'absence' })} in incidents, ${await db.collection('reporting_incidents').countDocuments({ kind: 'absence' })} in reporting_incidents, counted ${row.absenceIncidents}\n`,
      );
    } finally {
      await db.close();
    }
  });

  const send = (method: string, url: string, token: string, body: unknown) =>
    fetch(`${api}${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const windowRow = async (done: (row: Record<string, unknown>) => boolean) => {
    const today = localDate('Asia/Shanghai', Date.now());
    return eventually(
      async () => {
        const rows = await json<Record<string, unknown>[]>(`/api/stats/attendance?from=${today}&to=${today}&groupBy=window`);
        const w = rows.find((r) => r.window === 'W-E');
        return w && done(w) ? w : undefined;
      },
      30000,
      1000,
    );
  };

  it('an appeal through the hall manager makes the confirmed absence undecided until the supervisor decides again', async () => {
    const url = `/api/incidents/${encodeURIComponent(absenceId)}`;
    expect((await send('POST', `${url}/appeal`, supervisor, { reason: '本人不服' })).status).toBe(403);
    const blank = await send('POST', `${url}/appeal`, manager, { reason: '' });
    expect(blank.status).toBe(400);
    expect(await blank.text()).toMatch(/reason/);

    const appeal = await send('POST', `${url}/appeal`, manager, { reason: '当时在后台取材料 (S001 申诉)' });
    expect(appeal.status).toBe(200);
    expect(((await appeal.json()) as Incident).status).toBe('appealed');
    const again = await send('POST', `${url}/appeal`, manager, { reason: '再次申诉' });
    expect(again.status).toBe(409);
    expect(await again.text()).toMatch(/already appealed/);
    expect((await json<{ items: Incident[] }>('/api/incidents?status=appealed')).items.map((i) => i.id)).toEqual([absenceId]);

    // Reporting's copy follows: no longer confirmed, counted as appealed (undecided).
    const appealed = await windowRow((w) => w.incidentsAppealed === 1);
    expect(appealed).toMatchObject({ absenceIncidents: 1, incidentsConfirmed: 0, incidentsAppealed: 1, incidentsDismissed: 0 });

    const own = await send('PATCH', url, supervisor, { status: 'dismissed', reason: '申诉属实：后台取件' });
    expect(own.status).toBe(403);
    expect(await own.text()).toMatch(/made the decision appealed against/);
    const decision = await send('PATCH', url, second, { status: 'dismissed', reason: '申诉属实：后台取件' });
    expect(decision.status).toBe(200);
    expect(((await decision.json()) as Incident).status).toBe('dismissed');
    const late = await send('POST', `${url}/appeal`, manager, { reason: '再次申诉' });
    expect(late.status).toBe(409);
    expect(await late.text()).toMatch(/final/);

    const decided = await windowRow((w) => w.incidentsDismissed === 1);
    expect(decided).toMatchObject({ absenceIncidents: 1, incidentsConfirmed: 0, incidentsAppealed: 0, incidentsDismissed: 1 });

    // The whole trail, in order, with strictly increasing times; each change published with its time.
    const { audit } = await json<Incident>(url);
    expect(audit.map((a) => [a.action, a.by, a.reason])).toEqual([
      ['confirmed', 'jianchaju', '窗口无人, 已核实'],
      ['appealed', 'chief-h1', '当时在后台取材料 (S001 申诉)'],
      ['dismissed', 'zhang', '申诉属实：后台取件'],
    ]);
    const times = audit.map((a) => Date.parse(a.at));
    expect(times.slice(1).every((t, i) => t > times[i])).toBe(true);
    const reviews = (await events.incidents()).filter((e) => e.id === absenceId && 'review' in e) as unknown as {
      review: string;
      reviewedAt: string;
    }[];
    expect(reviews.map((e) => [e.review, e.reviewedAt])).toEqual(audit.map((a) => [a.action, a.at]));
  });

  it('stored the evidence blurred outside the window zone, and records each view', async () => {
    const url = `/api/incidents/${encodeURIComponent(absenceId)}`;
    const { evidence, views: before } = await json<Incident>(url);
    const threshold = evidence.find((e) => e.role === 'threshold')!;
    const res = await get(`${url}/evidence/${threshold.n}`);
    expect(res.status).toBe(200);
    const masked = await decodeJpeg(Buffer.from(await res.arrayBuffer()), 0);
    // The same empty room, straight from the clip (1.9 s; its last frame, the person at the left edge gone).
    let original: RgbFrame | undefined;
    for await (const frame of sampleVideo(path.join(MEDIA, 'empty-room.mp4'), 0.5)) original = frame;
    expect([masked.width, masked.height]).toEqual([original!.width, original!.height]);

    // EMPTY_ZONE is x 0.4-0.8, y 0.3-0.9; keep 0.03 of the frame clear of its edge on both sides.
    const fx = (x: number) => (x + 0.5) / masked.width;
    const fy = (y: number) => (y + 0.5) / masked.height;
    const inside = (x: number, y: number) => fx(x) > 0.43 && fx(x) < 0.77 && fy(y) > 0.33 && fy(y) < 0.87;
    const outside = (x: number, y: number) => fx(x) < 0.37 || fx(x) > 0.83 || fy(y) < 0.27 || fy(y) > 0.93;
    const figures = {
      insideDiff: meanAbsDiff(original!, masked, inside),
      outsideDiff: meanAbsDiff(original!, masked, outside),
      insideRoughness: [roughness(original!, inside), roughness(masked, inside)],
      outsideRoughness: [roughness(original!, outside), roughness(masked, outside)],
    };
    process.stdout.write(`masked evidence vs the clip: ${JSON.stringify(figures)}\n`);
    // Inside: the camera's pixels through two JPEG encodings (ingestion's, the mask's).
    expect(figures.insideDiff).toBeLessThan(8);
    expect(figures.insideRoughness[1]).toBeGreaterThan(0.7 * figures.insideRoughness[0]);
    // Outside: smooth, and far from the original.
    expect(figures.outsideRoughness[1]).toBeLessThan(figures.outsideRoughness[0] / 3);
    expect(figures.outsideDiff).toBeGreaterThan(2 * figures.insideDiff);

    const { views } = await json<Incident>(url);
    expect(views.slice(before.length)).toEqual([expect.objectContaining({ by: 'jianchaju', n: threshold.n })]);
  });
});
