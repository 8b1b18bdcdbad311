import mongoose, { Connection } from 'mongoose';
import { hashPassword } from '@hallwatch/runtime';
import { eventually, freePort, login, RunningService, startService, testDatabaseUri, writeSiteFile } from '../support/e2e';

/**
 * Issue 20, items 5 and 6 from outside (real gateway, inference and reporting processes, real
 * NATS with its default 1 MB max payload, real FerretDB): a hall manager lists 6,000 stored
 * incidents page by page, a reply too large for NATS is refused with a 413, and a 5,000-row case
 * batch is stored whole, with inference up throughout.
 */

const PASSWORD = 'bounded-answers-pw';
const DAY = 24 * 3600_000;
const COUNT = 6000;
/** Reasons of the decisions: the newest 800 incidents carry long ones, more than 1 MB of JSON together. */
const LONG_REASON = '理由'.repeat(250);
const REASON = '离岗超过五分钟，经核实确认';

async function siteYaml(): Promise<string> {
  const hash = await hashPassword(PASSWORD);
  return `
timezone: Asia/Shanghai
halls:
  - { id: h1, name: 区行政审批服务大厅, kind: hall, minStaffedWindows: 0 }
  - { id: h2, name: 城关镇便民服务中心, kind: township, minStaffedWindows: 0 }
cameras:
  - { id: cam-1, hall: h1, rtsp: "rtsp://127.0.0.1:1/none", sampleEverySeconds: 1 }
  - { id: cam-2, hall: h2, rtsp: "rtsp://127.0.0.1:1/none", sampleEverySeconds: 1 }
windows:
  - { id: W01, hall: h1, name: 1号窗口, department: 区市场监管局, camera: cam-1, zone: [[0.4, 0.0], [0.8, 0.0], [0.8, 1.0], [0.4, 1.0]] }
  - { id: W02, hall: h2, name: 综合窗口, department: 镇便民服务中心, camera: cam-2, zone: [[0.4, 0.0], [0.8, 0.0], [0.8, 1.0], [0.4, 1.0]] }
schedules:
  default: { weekdays: [mon, tue, wed, thu, fri, sat, sun], open: ["00:00-24:00"] }
users:
  - { username: admin, role: admin, passwordHash: "${hash}" }
  - { username: manager-h1, role: hall_manager, halls: [h1], passwordHash: "${hash}" }
`;
}

interface Incident {
  id: string;
  hallId: string;
  openedAt: string;
}
interface Page {
  items: Incident[];
  nextCursor?: string;
  total?: number;
}

describe('bounded answers: 6,000 incidents, a reply over the NATS max payload, a 5,000-row case batch (issue 20)', () => {
  let services: RunningService[] = [];
  let db: Connection;
  let base: string;
  const tokens: Record<string, string> = {};
  const now = Date.now();
  const seeded: string[] = [];
  const old: string[] = [];
  const huge = `absence:h2:W02:${now - DAY}`;

  beforeAll(async () => {
    const port = await freePort();
    const env = {
      HALLWATCH_SITE: writeSiteFile(await siteYaml()),
      MONGODB_URI: testDatabaseUri('bounded'),
      PORT: String(port),
      HALLWATCH_JWT_SECRET: 'e2e-secret-not-for-production',
    };
    // Stored as inference stores them, straight into its collection (fast; no video needed).
    db = await mongoose.createConnection(env.MONGODB_URI).asPromise();
    const incident = (id: string, hallId: string, windowId: string, openedAt: number, audit: object[]) => ({
      _id: id,
      kind: 'absence',
      hallId,
      windowId,
      openedAt: new Date(openedAt),
      closedAt: new Date(openedAt + 60_000),
      durationMs: 60_000,
      review: 'confirmed',
      audit,
    });
    const decision = (at: number, reason = REASON) => ({ by: 'supervisor', at: new Date(at + 120_000), action: 'confirmed', reason });
    const docs = [];
    // Every 40 s over the last ~3 days, two of them at the same opening (the cursor must tell them apart).
    for (let k = 0; k < COUNT; k++) {
      const openedAt = now - DAY / 2 - Math.floor(k / 2) * 80_000;
      const id = `absence:h1:W01:${openedAt}:${1 - (k % 2)}`;
      seeded.push(id);
      docs.push(incident(id, 'h1', 'W01', openedAt, [decision(openedAt, k < 800 ? LONG_REASON : REASON)]));
    }
    for (let k = 0; k < 10; k++) {
      const openedAt = now - (60 + k) * DAY;
      old.push(`absence:h1:W01:${openedAt}`);
      docs.push(incident(old[k], 'h1', 'W01', openedAt, []));
    }
    // One incident whose audit trail alone is more than NATS carries in one message (1.4 MB).
    docs.push(
      incident(
        huge,
        'h2',
        'W02',
        now - DAY,
        Array.from({ length: 800 }, () => decision(now - DAY, LONG_REASON)),
      ),
    );
    for (let i = 0; i < docs.length; i += 500) await db.collection('incidents').insertMany(docs.slice(i, i + 500) as never[]);

    services = await Promise.all([startService('reporting', env), startService('inference', env)]);
    services.push(await startService('gateway', env));
    base = `http://127.0.0.1:${port}`;
    for (const user of ['admin', 'manager-h1']) tokens[user] = await login(base, user, PASSWORD);
  }, 180_000);

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await db?.close();
  });

  const get = (path: string, user = 'manager-h1') =>
    fetch(`${base}${path}`, { headers: { authorization: `Bearer ${tokens[user]}` }, signal: AbortSignal.timeout(30_000) });
  const page = async (path: string, user?: string): Promise<Page> => {
    const res = await get(path, user);
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Page;
  };
  const inferenceUp = async () => {
    const health = (await (await get('/api/health', 'admin')).json()) as { services: Record<string, { status: string }> };
    expect(health.services.inference.status).toBe('ok');
    expect(services[1].process.exitCode).toBeNull();
    expect(services[1].output()).not.toMatch(/MAX_PAYLOAD_EXCEEDED/);
  };

  it("answers a hall manager's list of 6,000 incidents in pages, each under the limit and the NATS max payload", async () => {
    const first = await page('/api/incidents?hall=h1');
    expect(first.items).toHaveLength(100);
    expect(first.items.map((i) => i.id)).toEqual(seeded.slice(0, 100));
    expect(first.nextCursor).toEqual(expect.any(String));
    // The first page counts them all (the 10 older than the default period not among them); the next ones do not count again.
    expect(first.total).toBe(COUNT);

    const walked: Incident[] = [];
    const sizes: number[] = [];
    let cursor: string | undefined;
    do {
      const next: Page = await page(`/api/incidents?hall=h1&limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
      sizes.push(next.items.length);
      expect(next.total).toBe(cursor ? undefined : COUNT);
      walked.push(...next.items);
      cursor = next.nextCursor;
    } while (cursor && sizes.length < 20);
    // Newest first, each once, all of them; the 10 older than the default period left out.
    expect(walked.map((i) => i.id)).toEqual(seeded);
    // The first 1,000 are more than 1 MB: that page was cut short where more would not fit, the others were not.
    expect(sizes[0]).toBeLessThan(1000);
    expect(sizes.slice(1, -1).every((n) => n === 1000)).toBe(true);
    expect(sizes.length).toBe(COUNT / 1000 + 1);
    await inferenceUp();
  }, 120_000);

  it('covers a bounded default period, and any period asked for', async () => {
    const from = new Date(now - 90 * DAY).toISOString();
    const to = new Date(now - 50 * DAY).toISOString();
    const older = await page(`/api/incidents?hall=h1&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
    expect(older.items.map((i) => i.id)).toEqual(old);
    expect(older.nextCursor).toBeUndefined();
  }, 60_000);

  it('refuses limits and cursors it does not know, naming them', async () => {
    for (const q of ['limit=0', 'limit=1001', 'limit=ten', 'limit=01', 'cursor=not-a-cursor', `cursor=${'A'.repeat(500)}`]) {
      const res = await get(`/api/incidents?hall=h1&${q}`);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { message: string[] }).message.join()).toMatch(q.split('=')[0]);
    }
  }, 60_000);

  it('answers a reply too large for NATS with a 413 naming the size, and inference stays up', async () => {
    for (const path of [`/api/incidents/${encodeURIComponent(huge)}`, '/api/incidents?hall=h2']) {
      const res = await get(path, 'admin');
      expect(res.status).toBe(413);
      expect(((await res.json()) as { message: string }).message).toMatch(
        /is \d+ bytes, more than NATS carries in one message \(1048576\)/,
      );
    }
    await inferenceUp();
  }, 60_000);

  it('stores a 5,000-row case batch whole (several requests under the NATS max payload)', async () => {
    const t = (ms: number) => new Date(ms).toISOString();
    const start = now - 2 * DAY;
    const cases = Array.from({ length: 5000 }, (_, k) => ({
      caseId: `case-${String(k).padStart(4, '0')}`,
      windowId: 'W01',
      staffId: 'S1',
      serviceItem: '企业开办营业执照申领及公章刻制一件事联办',
      takenAt: t(start + k * 1000),
      calledAt: t(start + k * 1000 + 60_000),
      startedAt: t(start + k * 1000 + 60_000),
      finishedAt: t(start + k * 1000 + 600_000),
      deadline: t(start + k * 1000 + 3600_000),
      status: 'completed',
    }));
    expect(Buffer.byteLength(JSON.stringify({ cases }))).toBeGreaterThan(1024 * 1024);
    const res = await fetch(`${base}/api/cases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ cases }),
      signal: AbortSignal.timeout(120_000),
    });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as {
      accepted: number;
      rejected: number;
      results: { row: number; caseId: string; accepted: boolean }[];
    };
    expect(answer).toMatchObject({ accepted: 5000, rejected: 0 });
    expect(answer.results.map((r) => [r.row, r.caseId, r.accepted])).toEqual(cases.map((c, k) => [k, c.caseId, true]));
    await eventually(async () => ((await db.collection('cases').countDocuments()) === 5000 ? true : undefined), 30_000);
    await inferenceUp();
  }, 180_000);
});
