import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import * as iconv from 'iconv-lite';
import mongoose, { mongo } from 'mongoose';
import { connect, NatsConnection } from 'nats';
import type { INestApplication } from '@nestjs/common';
import { parseSite, readEnv } from '@hallwatch/config';
import { hashPassword, ServiceContext } from '@hallwatch/runtime';
import { CASE_COLUMNS } from '@hallwatch/stats';
import { startGateway } from '../../apps/gateway/src/main';
import { fuzzRuns, fuzzTimeout, NASTY_STRINGS, prototypePollution } from '../support/fuzz';
import { eventually, freePort, login, RunningService, startService, testDatabaseUri, writeSiteFile, runCli } from '../support/e2e';

/**
 * Issue 11 from outside: the authz matrix over every endpoint of the OpenAPI document, the
 * regressions of the hostile-input findings, and a bounded fuzz of the HTTP API and the NATS
 * subjects. The gateway runs in this process (so its prototype can be checked and its log read);
 * reporting and inference run as real processes on real NATS and FerretDB.
 */

const PASSWORD = 'correct horse battery';
const VICTIM_PASSWORD = 'victim-right-password';
const DAY = '2026-11-24';
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0xff, 0xd9]);
const INCIDENT = { h1: `absence:h1:W01:${Date.parse(`${DAY}T01:00:00Z`)}`, t1: `absence:t1:T01:${Date.parse(`${DAY}T01:00:00Z`)}` };
const WINDOW = { h1: 'W01', t1: 'T01' };
/** Staff rostered on each hall's window: a hall manager may register leave only for its own. */
const STAFF = { h1: 'S-h1', t1: 'S-t1' };
type Hall = keyof typeof WINDOW;

async function siteYaml(): Promise<string> {
  const hash = await hashPassword(PASSWORD);
  const victim = await hashPassword(VICTIM_PASSWORD);
  return `
timezone: Asia/Shanghai
halls:
  - { id: h1, name: 区行政审批服务大厅, kind: hall, minStaffedWindows: 0 }
  - { id: t1, name: 城关镇便民服务中心, kind: township, minStaffedWindows: 0 }
cameras:
  - { id: cam-1, hall: h1, rtsp: "rtsp://127.0.0.1:1/none", sampleEverySeconds: 1 }
  - { id: cam-2, hall: t1, rtsp: "rtsp://127.0.0.1:1/none", sampleEverySeconds: 1 }
windows:
  - { id: W01, hall: h1, name: 1号窗口, department: 区市场监管局, camera: cam-1, zone: [[0.4, 0.0], [0.8, 0.0], [0.8, 1.0], [0.4, 1.0]] }
  - { id: T01, hall: t1, name: 综合窗口, department: 镇便民服务中心, camera: cam-2, zone: [[0.4, 0.0], [0.8, 0.0], [0.8, 1.0], [0.4, 1.0]] }
schedules:
  default: { weekdays: [mon, tue, wed, thu, fri, sat, sun], open: ["00:00-24:00"] }
rosters:
  - { window: W01, staff: "甲 (S-h1)", from: "00:00", to: "24:00" }
  - { window: T01, staff: "乙 (S-t1)", from: "00:00", to: "24:00" }
users:
  - { username: admin, role: admin, passwordHash: "${hash}" }
  - { username: supervisor, role: supervisor, passwordHash: "${hash}" }
  - { username: evaluator, role: evaluator, passwordHash: "${hash}" }
  - { username: manager-h1, role: hall_manager, halls: [h1], passwordHash: "${hash}" }
  - { username: manager-t1, role: hall_manager, halls: [t1], passwordHash: "${hash}" }
  - { username: victim, role: evaluator, passwordHash: "${victim}" }
`;
}

function kase(caseId: string, windowId: string, extra: Record<string, unknown> = {}) {
  const t = (hm: string) => `${DAY}T${hm}:00+08:00`;
  return {
    caseId,
    windowId,
    staffId: 'S1',
    serviceItem: '营业执照',
    takenAt: t('09:00'),
    calledAt: t('09:05'),
    startedAt: t('09:05'),
    finishedAt: t('09:15'),
    deadline: t('10:00'),
    status: 'completed',
    ...extra,
  };
}

/** Everything the in-process gateway logs (one JSON object a line), kept out of the test output. */
function captureLogs(): { lines: string[]; restore: () => void } {
  const lines: string[] = [];
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const wrap = (original: typeof process.stdout.write) =>
    ((chunk: unknown, ...rest: unknown[]) => {
      const text = String(chunk);
      if (text.startsWith('{') && text.includes('"context"')) {
        lines.push(...text.trim().split('\n'));
        return true;
      }
      return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
  process.stdout.write = wrap(out);
  process.stderr.write = wrap(err);
  return { lines, restore: () => ((process.stdout.write = out), (process.stderr.write = err)) };
}

describe('hostile input: gateway, reporting and inference on real NATS and FerretDB (issue 11)', () => {
  let services: RunningService[] = [];
  let gateway: INestApplication;
  let base: string;
  let ctx: ServiceContext;
  let logs: ReturnType<typeof captureLogs>;
  let env: Record<string, string>;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    const port = await freePort();
    env = {
      HALLWATCH_SITE: writeSiteFile(await siteYaml()),
      MONGODB_URI: testDatabaseUri('hostile'),
      PORT: String(port),
      HALLWATCH_JWT_SECRET: 'e2e-secret-not-for-production',
    };
    // Incidents of both halls with one evidence frame each, as inference stores them.
    const db = await mongoose.createConnection(env.MONGODB_URI).asPromise();
    const bucket = new mongo.GridFSBucket(db.db!, { bucketName: 'evidence' });
    for (const hall of ['h1', 't1'] as Hall[]) {
      const openedAt = new Date(`${DAY}T01:00:00Z`);
      await db.collection('incidents').insertOne({
        _id: INCIDENT[hall] as unknown as mongo.ObjectId,
        kind: 'absence',
        hallId: hall,
        windowId: WINDOW[hall],
        openedAt,
        closedAt: new Date(`${DAY}T01:30:00Z`),
        durationMs: 1_800_000,
      });
      await new Promise<void>((resolve, reject) => {
        const upload = bucket.openUploadStream(`${INCIDENT[hall]}/0`, {
          metadata: { incidentId: INCIDENT[hall], n: 0, role: 'last-staffed', capturedAt: openedAt, contentType: 'image/jpeg' },
        });
        upload.once('finish', () => resolve());
        upload.once('error', reject);
        upload.end(JPEG);
      });
    }
    await db.close();

    services = await Promise.all([startService('reporting', env), startService('inference', env)]);
    const hallwatchEnv = readEnv({ ...process.env, ...env, NATS_URL: process.env.HALLWATCH_TEST_NATS_URL });
    ctx = {
      env: hallwatchEnv,
      site: parseSite(await siteYaml()),
      natsUrl: process.env.HALLWATCH_TEST_NATS_URL!,
      mongodbUri: env.MONGODB_URI,
    };
    logs = captureLogs();
    gateway = await startGateway(ctx);
    base = `http://127.0.0.1:${port}`;
    for (const user of ['admin', 'supervisor', 'evaluator', 'manager-h1']) tokens[user] = await login(base, user, PASSWORD);
  });

  afterAll(async () => {
    await gateway?.close();
    logs?.restore();
    await Promise.all(services.map((s) => s.stop()));
  });

  const call = (method: string, path: string, token?: string, body?: unknown, raw?: { body: string; type: string }) =>
    fetch(`${base}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : raw ? { 'content-type': raw.type } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : raw?.body,
      signal: AbortSignal.timeout(30_000),
    });

  describe('authz matrix: every OpenAPI endpoint × every role × own/other hall', () => {
    type Cell = 'allow' | 'deny' | 'unauth';
    type Caller = 'admin' | 'supervisor' | 'evaluator' | 'manager-h1' | 'anonymous' | 'forged';
    interface Row {
      request: (hall: Hall, caller: Caller) => { path: string; body?: unknown };
      expect: (caller: Caller, hall: Hall) => Cell;
      /** How a denial shows, when not as a 403. */
      denied?: (status: number, body: unknown) => boolean;
      /** How an allowed call shows, when not always as a 2xx (e.g. no frame yet). */
      allowed?: (status: number) => boolean;
      /** An endless answer (Server-Sent Events): only its status is read. */
      stream?: boolean;
      /** The call ends its token (logout): each cell signs in afresh, so the shared tokens live on. */
      endsToken?: boolean;
    }
    /** Let through, but this test's cameras never deliver a frame: 503 "has sent no frame". */
    const noFrameYet = (status: number) => status === 200 || status === 503;
    const CALLERS: Caller[] = ['admin', 'supervisor', 'evaluator', 'manager-h1', 'anonymous', 'forged'];
    const signedIn = (caller: Caller) => caller !== 'anonymous' && caller !== 'forged';
    /** Any role; a hall manager only its own hall. */
    const hallScoped = (caller: Caller, hall: Hall): Cell =>
      !signedIn(caller) ? 'unauth' : caller === 'manager-h1' && hall !== 'h1' ? 'deny' : 'allow';
    const roles =
      (...allowed: Caller[]) =>
      (caller: Caller, hall: Hall): Cell =>
        !signedIn(caller) ? 'unauth' : !allowed.includes(caller) ? 'deny' : hallScoped(caller, hall);
    /** A batch endpoint answers a row of another hall with a per-row refusal (or the whole call with a 403). */
    const rowOutsideHalls = (status: number, body: unknown) =>
      status === 403 ||
      (status === 200 && /outside your halls/.test(String((body as { results?: { reason?: string }[] }).results?.[0]?.reason)));
    /** The upload's answer to a row of another hall: a refusal on its line (or the whole call a 403). */
    const csvRowOutsideHalls = (status: number, body: unknown) =>
      status === 403 || (status === 200 && /outside your halls/.test(String((body as { rows?: { reason?: string }[] }).rows?.[0]?.reason)));
    /** Rows as a CSV export (header from the first row's fields), base64 as POST /api/imports/... takes it. */
    const csvFile = (rows: Record<string, unknown>[]) => {
      const header = Object.keys(rows[0]);
      const lines = [header.join(','), ...rows.map((r) => header.map((h) => String(r[h] ?? '')).join(','))];
      return Buffer.from(`${lines.join('\n')}\n`).toString('base64');
    };
    const stats = (report: string) => (hall: Hall) => ({ path: `/api/stats/${report}?from=${DAY}&to=${DAY}&groupBy=hall&hall=${hall}` });
    /** Each hall's leave, submitted by its hall manager (pending until a cell approves it), years before the stored incidents. */
    const LEAVE = { h1: 'authz-leave-h1', t1: 'authz-leave-t1' };
    /** Each hall's complaint, filed by admin. */
    const COMPLAINT = { h1: 'authz-complaint-h1', t1: 'authz-complaint-t1' };
    /** Each hall's rectification order, issued by admin from the hall's complaint to its window. */
    const ORDER = { h1: '', t1: '' };
    /** Let through, then refused for the leave's status once an earlier cell decided it. */
    const decidedOnce = (status: number) => status === 200 || status === 409;
    const decision = (action: string) => (hall: Hall) => ({
      path: `/api/leaves/${LEAVE[hall]}/${action}`,
      body: { reason: 'authz matrix' },
    });

    beforeAll(async () => {
      const managers = { h1: tokens['manager-h1'], t1: await login(base, 'manager-t1', PASSWORD) };
      for (const hall of ['h1', 't1'] as Hall[]) {
        const leave = {
          id: LEAVE[hall],
          staffId: STAFF[hall],
          kind: 'leave',
          from: '2020-01-07T09:00:00+08:00',
          to: '2020-01-07T10:00:00+08:00',
          reason: 'authz',
        };
        const complaint = {
          id: COMPLAINT[hall],
          receivedAt: `${DAY}T10:00:00+08:00`,
          channel: 'card',
          windowId: WINDOW[hall],
          category: 'authz',
          verified: true,
        };
        const stored = [
          await call('POST', '/api/leaves', managers[hall], { leaves: [leave] }),
          await call('POST', '/api/complaints', tokens.admin, { complaints: [complaint] }),
        ];
        for (const res of stored) expect(((await res.json()) as { accepted: number }).accepted).toBe(1);
        const order = await call('POST', '/api/rectifications', tokens.admin, {
          source: { kind: 'complaint', id: COMPLAINT[hall] },
          to: { window: WINDOW[hall] },
          dueWorkingDays: 5,
          instructions: 'authz matrix',
        });
        expect(order.status).toBe(200);
        ORDER[hall] = ((await order.json()) as { id: string }).id;
      }
    });

    /** One row per endpoint: a new endpoint fails this test until it has its row. */
    const MATRIX: Record<string, Row> = {
      'POST /api/auth/login': {
        request: (_hall, caller) => ({
          path: '/api/auth/login',
          body: { username: signedIn(caller) ? caller : 'admin', password: PASSWORD },
        }),
        expect: () => 'allow',
      },
      'POST /api/auth/logout': {
        request: () => ({ path: '/api/auth/logout' }),
        expect: (caller) => (signedIn(caller) ? 'allow' : 'unauth'),
        endsToken: true,
      },
      'GET /api/health': { request: () => ({ path: '/api/health' }), expect: (caller) => (signedIn(caller) ? 'allow' : 'unauth') },
      'GET /api/windows/live': { request: (hall) => ({ path: `/api/windows/live?hall=${hall}` }), expect: hallScoped },
      'GET /api/halls/live': { request: (hall) => ({ path: `/api/halls/live?hall=${hall}` }), expect: hallScoped },
      'POST /api/windows/{id}/away': {
        request: (hall) => ({ path: `/api/windows/${WINDOW[hall]}/away`, body: { reason: 'authz matrix', minutes: 1 } }),
        expect: roles('admin', 'manager-h1'),
      },
      'GET /api/incidents': { request: (hall) => ({ path: `/api/incidents?hall=${hall}` }), expect: hallScoped },
      'GET /api/incidents/{id}': { request: (hall) => ({ path: `/api/incidents/${INCIDENT[hall]}` }), expect: hallScoped },
      'GET /api/incidents/{id}/evidence/{n}': {
        request: (hall) => ({ path: `/api/incidents/${INCIDENT[hall]}/evidence/0` }),
        expect: hallScoped,
      },
      'PATCH /api/incidents/{id}': {
        request: (hall) => ({ path: `/api/incidents/${INCIDENT[hall]}`, body: { status: 'confirmed', reason: 'authz matrix' } }),
        expect: roles('admin', 'supervisor'),
      },
      'POST /api/incidents/{id}/appeal': {
        request: (hall) => ({ path: `/api/incidents/${INCIDENT[hall]}/appeal`, body: { reason: 'authz matrix' } }),
        expect: roles('admin', 'manager-h1'),
        // Let through, then refused for the incident's status once an earlier cell appealed it.
        allowed: (status) => status === 200 || status === 409,
      },
      'POST /api/cases': {
        request: (hall, caller) => ({ path: '/api/cases', body: { cases: [kase(`authz-${caller}-${hall}`, WINDOW[hall])] } }),
        expect: roles('admin', 'manager-h1'),
        denied: rowOutsideHalls,
      },
      'POST /api/imports/cases': {
        request: (hall, caller) => ({
          path: '/api/imports/cases',
          body: { file: csvFile([kase(`authz-csv-${caller}-${hall}`, WINDOW[hall])]) },
        }),
        expect: roles('admin', 'manager-h1'),
        denied: csvRowOutsideHalls,
      },
      'POST /api/imports/leaves': {
        request: (hall, caller) => ({
          path: '/api/imports/leaves',
          body: {
            file: csvFile([
              {
                id: `authz-csv-${caller}-${hall}`,
                staffId: STAFF[hall],
                kind: 'leave',
                from: '2020-01-06T09:00:00+08:00',
                to: '2020-01-06T10:00:00+08:00',
                reason: 'authz matrix',
              },
            ]),
          },
        }),
        expect: roles('admin', 'supervisor', 'manager-h1'),
        denied: (status, body) =>
          status === 403 ||
          (status === 200 &&
            /not on the roster of a window in your halls/.test(String((body as { rows?: { reason?: string }[] }).rows?.[0]?.reason))),
      },
      'POST /api/imports/complaints': {
        request: (hall, caller) => ({
          path: '/api/imports/complaints',
          body: {
            file: csvFile([
              {
                id: `authz-csv-${caller}-${hall}`,
                receivedAt: `${DAY}T10:00:00+08:00`,
                channel: 'card',
                windowId: WINDOW[hall],
                category: 'authz',
                verified: 'pending',
              },
            ]),
          },
        }),
        expect: roles('admin', 'supervisor', 'manager-h1'),
        denied: csvRowOutsideHalls,
      },
      'POST /api/queue-events': {
        request: (hall, caller) => ({
          path: '/api/queue-events',
          body: {
            events: [{ windowId: WINDOW[hall], staffId: 'S1', event: 'login', at: `${DAY}T09:0${CALLERS.indexOf(caller)}:00+08:00` }],
          },
        }),
        expect: roles('admin', 'manager-h1'),
        denied: rowOutsideHalls,
      },
      'POST /api/leaves': {
        // Years before the stored incidents, so the matrix's leaves excuse none of them.
        request: (hall, caller) => ({
          path: '/api/leaves',
          body: {
            leaves: [
              {
                id: `authz-${caller}-${hall}`,
                staffId: STAFF[hall],
                kind: 'leave',
                from: '2020-01-06T09:00:00+08:00',
                to: '2020-01-06T10:00:00+08:00',
                reason: 'authz matrix',
                approvedBy: 'authz',
              },
            ],
          },
        }),
        expect: roles('admin', 'supervisor', 'manager-h1'),
        denied: (status, body) =>
          status === 403 ||
          (status === 200 &&
            /not on the roster of a window in your halls/.test(String((body as { results?: { reason?: string }[] }).results?.[0]?.reason))),
      },
      'GET /api/leaves/{id}': { request: (hall) => ({ path: `/api/leaves/${LEAVE[hall]}` }), expect: hallScoped },
      'POST /api/leaves/{id}/approve': { request: decision('approve'), expect: roles('admin', 'supervisor'), allowed: decidedOnce },
      'POST /api/leaves/{id}/reject': { request: decision('reject'), expect: roles('admin', 'supervisor'), allowed: decidedOnce },
      'POST /api/leaves/{id}/revoke': { request: decision('revoke'), expect: roles('admin', 'supervisor'), allowed: decidedOnce },
      'POST /api/complaints': {
        request: (hall, caller) => ({
          path: '/api/complaints',
          body: {
            complaints: [
              {
                id: `authz-${caller}-${hall}`,
                receivedAt: `${DAY}T10:00:00+08:00`,
                channel: 'hotline',
                windowId: WINDOW[hall],
                category: 'authz',
                verified: 'pending',
              },
            ],
          },
        }),
        expect: roles('admin', 'supervisor', 'manager-h1'),
        denied: (status, body) =>
          status === 403 ||
          (status === 200 && /outside your halls/.test(String((body as { results?: { reason?: string }[] }).results?.[0]?.reason))),
      },
      'GET /api/complaints/{id}': { request: (hall) => ({ path: `/api/complaints/${COMPLAINT[hall]}` }), expect: hallScoped },
      'GET /api/stats/attendance': { request: stats('attendance'), expect: roles('admin', 'supervisor', 'evaluator', 'manager-h1') },
      'GET /api/stats/throughput': { request: stats('throughput'), expect: roles('admin', 'supervisor', 'evaluator', 'manager-h1') },
      'GET /api/stats/evaluation': { request: stats('evaluation'), expect: roles('admin', 'supervisor', 'evaluator', 'manager-h1') },
      'GET /api/stats/waiting': {
        request: (hall: Hall) => ({ path: `/api/stats/waiting?from=${DAY}&to=${DAY}&hall=${hall}` }),
        expect: roles('admin', 'supervisor', 'evaluator', 'manager-h1'),
      },
      // The whole site's notice: the bureau's roles only, never a hall manager (whatever hall).
      'GET /api/reports/notice': {
        request: () => ({ path: `/api/reports/notice?month=${DAY.slice(0, 7)}&format=json` }),
        expect: roles('admin', 'supervisor', 'evaluator'),
      },
      // Every role, filtered to its halls (the push channel and the site description scope their content).
      'GET /api/live/events': {
        request: () => ({ path: '/api/live/events' }),
        expect: (caller) => (signedIn(caller) ? 'allow' : 'unauth'),
        stream: true,
      },
      'GET /api/site': { request: () => ({ path: '/api/site' }), expect: (caller) => (signedIn(caller) ? 'allow' : 'unauth') },
      'GET /api/cards': { request: (hall) => ({ path: `/api/cards?hall=${hall}` }), expect: hallScoped },
      'POST /api/rectifications': {
        request: (hall) => ({
          path: '/api/rectifications',
          body: {
            source: { kind: 'complaint', id: COMPLAINT[hall] },
            to: { window: WINDOW[hall] },
            dueWorkingDays: 5,
            instructions: 'authz',
          },
        }),
        expect: roles('admin', 'supervisor'),
      },
      // Every role, filtered to its halls.
      'GET /api/rectifications': {
        request: () => ({ path: '/api/rectifications' }),
        expect: (caller) => (signedIn(caller) ? 'allow' : 'unauth'),
      },
      'GET /api/rectifications/{id}': { request: (hall) => ({ path: `/api/rectifications/${ORDER[hall]}` }), expect: hallScoped },
      'POST /api/rectifications/{id}/respond': {
        request: (hall) => ({ path: `/api/rectifications/${ORDER[hall]}/respond`, body: { text: 'authz matrix' } }),
        expect: roles('manager-h1'),
      },
      'GET /api/rectifications/{id}/photos/{n}': {
        request: (hall) => ({ path: `/api/rectifications/${ORDER[hall]}/photos/1` }),
        expect: hallScoped,
        // The matrix's responses attach no photo: past the authorisation, 404.
        allowed: (status) => status === 404,
      },
      'POST /api/rectifications/{id}/verify': {
        request: (hall) => ({ path: `/api/rectifications/${ORDER[hall]}/verify`, body: { accepted: true, reason: 'authz matrix' } }),
        expect: roles('admin', 'supervisor'),
        // Let through, then refused for the order's state: verified by an earlier cell, or never responded (t1).
        allowed: decidedOnce,
      },
      'GET /api/cameras/status': {
        request: () => ({ path: '/api/cameras/status' }),
        expect: (caller) => (signedIn(caller) ? 'allow' : 'unauth'),
      },
      'POST /api/wall-keys': {
        request: (hall) => ({ path: '/api/wall-keys', body: { label: 'authz matrix', halls: [hall] } }),
        expect: roles('admin'),
      },
      'GET /api/wall-keys': { request: () => ({ path: '/api/wall-keys' }), expect: roles('admin') },
      'DELETE /api/wall-keys/{id}': {
        request: () => ({ path: '/api/wall-keys/000000000000' }),
        expect: roles('admin'),
        // No such key: past the guard, the service answers 404.
        allowed: (status) => status === 404,
      },
      'GET /api/cameras/{id}/snapshot': {
        request: (hall) => ({ path: `/api/cameras/${hall === 'h1' ? 'cam-1' : 'cam-2'}/snapshot` }),
        expect: hallScoped,
        allowed: noFrameYet,
      },
      'POST /api/zones/occupancy': {
        request: (hall) => ({
          path: '/api/zones/occupancy',
          body: {
            cameraId: hall === 'h1' ? 'cam-1' : 'cam-2',
            zone: [
              [0.1, 0.1],
              [0.5, 0.1],
              [0.5, 0.5],
            ],
          },
        }),
        expect: roles('admin'),
        allowed: noFrameYet,
      },
    };

    it('has a row for every endpoint the OpenAPI document lists, and none for endpoints it does not', async () => {
      const doc = (await (await call('GET', '/api/docs-json')).json()) as { paths: Record<string, Record<string, unknown>> };
      const endpoints = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
      expect(endpoints.length).toBeGreaterThan(0);
      expect(endpoints.filter((e) => !(e in MATRIX))).toEqual([]);
      expect(Object.keys(MATRIX).filter((e) => !endpoints.includes(e))).toEqual([]);
    });

    it('answers every cell as expected', async () => {
      const wrong: string[] = [];
      let cells = 0;
      for (const [endpoint, row] of Object.entries(MATRIX)) {
        const method = endpoint.split(' ')[0];
        for (const caller of CALLERS) {
          for (const hall of ['h1', 't1'] as Hall[]) {
            const { path, body } = row.request(hall, caller);
            const token =
              caller === 'anonymous'
                ? undefined
                : caller === 'forged'
                  ? forgedToken()
                  : row.endsToken
                    ? await login(base, caller, PASSWORD)
                    : tokens[caller];
            const res = await call(method, path, token, body);
            if (row.stream) await res.body?.cancel();
            const text = row.stream ? '' : await res.text();
            const json = text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text;
            const expected = row.expect(caller, hall);
            const denied = row.denied ? row.denied(res.status, json) : res.status === 403;
            const allowed = row.allowed ? row.allowed(res.status) : res.status >= 200 && res.status < 300;
            const ok = expected === 'unauth' ? res.status === 401 : expected === 'deny' ? denied : allowed && !denied;
            cells++;
            if (!ok) wrong.push(`${endpoint} as ${caller} on ${hall}: expected ${expected}, got ${res.status} ${text.slice(0, 200)}`);
          }
        }
      }
      process.stderr.write(`authz matrix: ${cells} cells tried, ${wrong.length} wrong\n`);
      expect(wrong).toEqual([]);
      expect(cells).toBe(Object.keys(MATRIX).length * CALLERS.length * 2);
    });

    /** A token of the right shape signed with another key, and one with alg "none". */
    function forgedToken(): string {
      const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const claims = part({ username: 'admin', role: 'admin', halls: [], sub: 'admin', exp: Math.floor(Date.now() / 1000) + 3600 });
      return Math.random() < 0.5
        ? `${part({ alg: 'none', typ: 'JWT' })}.${claims}.`
        : `${part({ alg: 'HS256', typ: 'JWT' })}.${claims}.${part({ sig: 'forged' })}`;
    }
  });

  describe('regressions', () => {
    const get = (path: string, user = 'admin') => call('GET', path, tokens[user]);

    it("answers 400, never 500, for impossible dates and reversed or too long periods, with the service's own words (item 4)", async () => {
      for (const [from, to] of [
        ['2026-02-30', DAY],
        ['2026-13-01', DAY],
        ['0000-00-00', DAY],
        [DAY, '2026-11-23'],
      ]) {
        const res = await get(`/api/stats/attendance?from=${from}&to=${to}&groupBy=hall`);
        expect(res.status).toBe(400);
      }
      const long = await get('/api/stats/throughput?from=2020-01-01&to=2026-01-01&groupBy=hall');
      expect(long.status).toBe(400);
      expect(((await long.json()) as { message: string }).message).toMatch(/at most \d+ days/);
      for (const q of [
        'to=2026-W48',
        'from=2026-11-24T09:00:00',
        'from=2026-11-25T00:00:00Z&to=2026-11-24T00:00:00Z',
        'from=2026-02-30T00:00:00Z',
        'limit=0',
        'limit=1001',
        'limit=1.5',
        'cursor=WzEsIl9fcHJvdG9fXyJd',
      ]) {
        expect((await get(`/api/incidents?${q}`)).status).toBe(400);
      }
    });

    it('refuses unknown windows, times without an offset and reserved ids row by row (items 2, 8)', async () => {
      const res = await call('POST', '/api/cases', tokens.admin, {
        cases: [
          kase('ok-1', 'W01'),
          kase('zzz-1', 'ZZZ'),
          kase('naive-1', 'W01', { takenAt: `${DAY}T09:00:00` }),
          kase('proto-1', 'W01', { staffId: '__proto__' }),
          kase('__proto__', 'W01'),
        ],
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { accepted: number; results: { row: number; accepted: boolean; reason?: string }[] };
      expect(body.accepted).toBe(1);
      expect(body.results.map((r) => r.accepted)).toEqual([true, false, false, false, false]);
      expect(body.results[1].reason).toMatch(/no window "ZZZ" in the site file/);
      expect(body.results[2].reason).toMatch(/takenAt must be an ISO 8601 date and time with an offset/);
      expect(body.results[3].reason).toMatch(/staffId must be 1-200 letters/);
      expect(body.results[4].reason).toMatch(/caseId must be 1-200 letters/);
    });

    it('numbers evidence from 0 in the list, the endpoint and the OpenAPI document, strictly (item 9)', async () => {
      const incident = (await (await get(`/api/incidents/${INCIDENT.h1}`)).json()) as { evidence: { n: number }[] };
      expect(incident.evidence.map((e) => e.n)).toEqual([0]);
      const image = await get(`/api/incidents/${INCIDENT.h1}/evidence/0`);
      expect(image.status).toBe(200);
      expect(image.headers.get('content-type')).toBe('image/jpeg');
      expect(image.headers.get('cache-control')).toBe('no-store');
      expect(Buffer.from(await image.arrayBuffer())).toEqual(JPEG);
      for (const n of ['0x1', '01', '1e0', '-1', '1.5', '%201', '00']) {
        expect((await get(`/api/incidents/${INCIDENT.h1}/evidence/${n}`)).status).toBe(400);
      }
      expect((await get(`/api/incidents/${INCIDENT.h1}/evidence/1`)).status).toBe(404);
      const doc = (await (await call('GET', '/api/docs-json')).json()) as {
        paths: Record<string, { get: { parameters: { name: string; schema: unknown; description?: string }[] } }>;
      };
      const n = doc.paths['/api/incidents/{id}/evidence/{n}'].get.parameters.find((p: { name: string }) => p.name === 'n')!;
      expect(n.schema).toMatchObject({ type: 'integer', minimum: 0 });
      expect(n.description).toMatch(/from 0/);
    });

    it('refuses control and bidi characters in ids and reasons (item 12)', async () => {
      expect(
        (await call('PATCH', `/api/incidents/${INCIDENT.h1}`, tokens.supervisor, { status: 'dismissed', reason: 'ok\u202Etxt.exe' }))
          .status,
      ).toBe(400);
      expect((await get(`/api/incidents/${encodeURIComponent(`${INCIDENT.h1}\u202E`)}`)).status).toBe(400);
      expect((await get(`/api/windows/live?hall=${encodeURIComponent('h1\u0000')}`)).status).toBe(400);
    });

    it('sends no-store and security headers with the token, and no X-Powered-By (item 6)', async () => {
      const res = await call('POST', '/api/auth/login', undefined, { username: 'evaluator', password: PASSWORD });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-powered-by')).toBeNull();
    });

    it('locks an account after repeated wrong passwords with 429 and Retry-After, even for the right one, logging it once (item 5)', async () => {
      const attempt = (password: string) => call('POST', '/api/auth/login', undefined, { username: 'victim', password });
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await attempt(`wrong-guess-${i}`)).status);
      expect(statuses).toEqual([401, 401, 401, 401, 401]);
      const locked = await attempt(VICTIM_PASSWORD);
      expect(locked.status).toBe(429);
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
      // 40 at once: none gets through, none is a 500.
      const burst = await Promise.all(Array.from({ length: 40 }, (_, i) => attempt(`burst-${i}`)));
      expect(new Set(burst.map((r) => r.status))).toEqual(new Set([429]));
      const lockLines = logs.lines.filter((l) => l.includes('sign-in locked for account \\"victim\\"'));
      expect(lockLines).toHaveLength(1);
      expect(logs.lines.join('\n')).not.toContain('wrong-guess-');
      expect(logs.lines.join('\n')).not.toContain(VICTIM_PASSWORD);
    });

    it('imports a GBK CSV as GBK, refuses unknown windows in it, and says "0 rows" for a header-only file (items 8, 10)', async () => {
      const dir = path.dirname(env.HALLWATCH_SITE);
      const columns = 'caseId,windowId,staffId,serviceItem,takenAt,calledAt,startedAt,finishedAt,deadline,status';
      const row = (id: string, windowId: string) =>
        `${id},${windowId},S1,企业开办一件事,${DAY}T09:00:00+08:00,${DAY}T09:05:00+08:00,${DAY}T09:05:00+08:00,${DAY}T09:15:00+08:00,${DAY}T10:00:00+08:00,completed`;
      const gbk = path.join(dir, 'gbk.csv');
      fs.writeFileSync(gbk, iconv.encode([columns, row('gbk-1', 'W01'), row('gbk-2', 'ZZZ')].join('\r\n'), 'gbk'));
      const headerOnly = path.join(dir, 'header.csv');
      fs.writeFileSync(headerOnly, `${columns}\r\n`);
      const cli = (...args: string[]) => runCli(args, env);

      const run = await cli('import', 'cases', gbk);
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('rejected line 3 (gbk-2): windowId: no window "ZZZ" in the site file');
      expect(run.stdout).toContain('1 accepted, 1 rejected');
      const db = await mongoose.createConnection(env.MONGODB_URI).asPromise();
      try {
        expect(await db.collection('cases').findOne({ _id: 'gbk-1' as unknown as mongo.ObjectId })).toMatchObject({
          serviceItem: '企业开办一件事',
        });
      } finally {
        await db.close();
      }

      const empty = await cli('import', 'cases', headerOnly);
      expect(empty.status).toBe(0);
      expect(empty.stdout.trim()).toBe(`imported ${headerOnly}: 0 rows`);
    });

    it('can turn the OpenAPI document off (HALLWATCH_API_DOCS=false)', async () => {
      const port = await freePort();
      const env = readEnv({
        ...process.env,
        HALLWATCH_API_DOCS: 'false',
        PORT: String(port),
        HALLWATCH_JWT_SECRET: 'e2e-secret-not-for-production',
      });
      const quiet = await startGateway({ ...ctx, env });
      try {
        expect((await fetch(`http://127.0.0.1:${port}/api/docs-json`)).status).toBe(404);
        expect((await fetch(`http://127.0.0.1:${port}/api/docs`)).status).toBe(404);
        expect((await fetch(`http://127.0.0.1:${port}/api/health`, { headers: { authorization: `Bearer ${tokens.admin}` } })).status).toBe(
          200,
        );
      } finally {
        await quiet.close();
      }
    });
  });

  describe('fuzz', () => {
    const nasty = fc.oneof(fc.constantFrom(...NASTY_STRINGS), fc.string(), fc.string({ unit: 'binary' }));
    /** Percent-encodes every byte of the UTF-8 text (a lone surrogate becomes U+FFFD), so any string fits a URL. */
    const pct = (s: string) => [...Buffer.from(s)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
    const queryKey = fc.oneof(
      fc.constantFrom(
        'from',
        'to',
        'hall',
        'window',
        'kind',
        'status',
        'groupBy',
        'format',
        'limit',
        'cursor',
        '__proto__',
        'constructor[prototype][polluted]',
        'hall[$ne]',
        'hall[__proto__][polluted]',
        'from[]',
      ),
      fc.string(),
    );
    const queryValue = fc.oneof(
      nasty,
      fc.constantFrom(
        '2026-11-24',
        '2026-11-24T00:00:00+08:00',
        'h1',
        't1',
        'W01',
        'absence',
        'open',
        'hall',
        'window',
        'csv',
        'xlsx',
        '1',
        '1000',
        '1001',
        'WzE3NjM5NDMyMDAwMDAsImFic2VuY2U6aDE6VzAxIl0',
      ),
    );
    const query = fc
      .array(fc.tuple(queryKey, queryValue), { maxLength: 6 })
      .map((pairs) => pairs.map(([k, v]) => `${pct(k).replace(/%5b/g, '[').replace(/%5d/g, ']')}=${pct(v)}`).join('&'));
    const segment = fc.oneof(
      nasty.map(pct),
      fc.constantFrom(INCIDENT.h1, INCIDENT.t1, '0', '1', '..', '%2e%2e', '%', '%FF', '%E0%A4%A', '%00', '%2F..%2F'),
    );
    const caseLike = fc.dictionary(
      fc.oneof(fc.constantFrom(...CASE_COLUMNS, '__proto__', 'constructor'), fc.string()),
      fc.oneof(queryValue, fc.jsonValue({ maxDepth: 2 })),
    );
    const body = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.record({ cases: fc.array(fc.oneof(caseLike, fc.jsonValue({ maxDepth: 2 })), { maxLength: 5 }) }),
      fc.record({ status: fc.oneof(fc.constantFrom('confirmed', 'dismissed'), nasty), reason: nasty }),
      fc.record({ username: nasty, password: nasty }),
    );
    const raw = fc.record({
      body: fc.oneof(
        fc.string(),
        fc.constantFrom('{"cases":[', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}', 'null', '[]'),
      ),
      type: fc.constantFrom(
        'application/json',
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/json; charset=latin1',
        'multipart/form-data',
      ),
    });
    const user = fc.constantFrom('admin', 'supervisor', 'evaluator', 'manager-h1');

    const request = fc.oneof(
      fc
        .tuple(
          fc.constantFrom(
            '/api/windows/live',
            '/api/incidents',
            '/api/stats/attendance',
            '/api/stats/throughput',
            '/api/stats/evaluation',
            '/api/health',
          ),
          query,
          user,
        )
        .map(([path, q, u]) => ({ method: 'GET', path: `${path}?${q}`, user: u })),
      fc.tuple(segment, user).map(([id, u]) => ({ method: 'GET', path: `/api/incidents/${id}`, user: u })),
      fc.tuple(segment, segment, user).map(([id, n, u]) => ({ method: 'GET', path: `/api/incidents/${id}/evidence/${n}`, user: u })),
      fc
        .tuple(fc.constantFrom('POST /api/cases', `PATCH /api/incidents/${INCIDENT.h1}`, 'POST /api/auth/login'), body, user)
        .map(([endpoint, b, u]) => ({ method: endpoint.split(' ')[0], path: endpoint.split(' ')[1], body: b, user: u })),
      fc
        .tuple(fc.constantFrom('POST /api/cases', `PATCH /api/incidents/${INCIDENT.t1}`, 'POST /api/auth/login'), raw, user)
        .map(([endpoint, r, u]) => ({ method: endpoint.split(' ')[0], path: endpoint.split(' ')[1], raw: r, user: u })),
      fc
        .tuple(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'), fc.array(segment, { maxLength: 3 }), user)
        .map(([method, parts, u]) => ({ method, path: `/api/${parts.join('/')}`, user: u })),
    );

    it(
      "never answers 5xx, never hangs, never pollutes the gateway's prototype (HTTP API)",
      async () => {
        let tried = 0;
        const statuses = new Map<number, number>();
        await fc.assert(
          fc.asyncProperty(
            request,
            async (r: { method: string; path: string; user: string; body?: unknown; raw?: { body: string; type: string } }) => {
              tried++;
              const res = await call(r.method, r.path, tokens[r.user], r.body, r.raw);
              await res.arrayBuffer();
              statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
              if (res.status >= 500) throw new Error(`${r.method} ${r.path} answered ${res.status}`);
              expect(prototypePollution()).toEqual([]);
            },
          ),
          { numRuns: fuzzRuns(700) },
        );
        process.stderr.write(`fuzz HTTP API: ${tried} inputs tried, statuses ${JSON.stringify(Object.fromEntries(statuses))}\n`);
        expect(logs.lines.filter((l) => l.includes('"level":"error"'))).toEqual([]);
      },
      fuzzTimeout(20_000),
    );

    it(
      'keeps reporting and inference up under malformed NATS messages',
      async () => {
        const nc: NatsConnection = await connect({ servers: process.env.HALLWATCH_TEST_NATS_URL });
        let tried = 0;
        try {
          const subjects = [
            'hallwatch.cases',
            'hallwatch.leaves',
            'hallwatch.incident.W01.excused',
            'hallwatch.incident.W01.unexcused',
            'hallwatch.incident.W01.reviewed',
            'hallwatch.incident._.closed',
            'hallwatch.presence.W01',
            'hallwatch.queue.W01',
            'hallwatch.camera.cam-1.status',
            'hallwatch.incident.W01.opened',
            'hallwatch.frames.cam-1',
            'hallwatch.reporting.cases.import',
            'hallwatch.reporting.leaves.import',
            'hallwatch.reporting.leaves.get',
            'hallwatch.reporting.leaves.decide',
            'hallwatch.reporting.complaints.get',
            'hallwatch.inference.incidents.list',
            'hallwatch.reporting.stats.attendance',
            'hallwatch.reporting.stats.evaluation',
            'hallwatch.reporting.stats.notice',
            'hallwatch.reporting.complaints.import',
          ];
          const payload = fc.oneof(
            fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
            fc.record({ pattern: fc.string(), data: fc.jsonValue({ maxDepth: 2 }), id: fc.string() }).map((v) => JSON.stringify(v)),
            fc.string(),
            fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
          );
          await fc.assert(
            fc.asyncProperty(fc.constantFrom(...subjects), payload, async (subject, data) => {
              tried++;
              nc.publish(subject, Buffer.from(data, 'latin1'));
            }),
            { numRuns: fuzzRuns(400) },
          );
          await nc.flush();
        } finally {
          await nc.close();
        }
        process.stderr.write(`fuzz NATS subjects: ${tried} messages published\n`);
        // Both services still answer, with their database, and nothing of theirs exited.
        let last: unknown;
        await eventually(async () => {
          const health = (await (await call('GET', '/api/health', tokens.admin)).json()) as {
            services: Record<string, { status: string }>;
          };
          last = health;
          return health.services.reporting.status === 'ok' && health.services.inference.status === 'ok' ? true : undefined;
        }, 60_000).catch((err) => {
          throw new Error(
            `${(err as Error).message}; last health ${JSON.stringify(last)}; reporting: ${services[0].output().slice(-1500)}; inference: ${services[1].output().slice(-1500)}`,
          );
        });
        for (const s of services) expect(s.process.exitCode).toBeNull();
        const stats = await call('GET', `/api/stats/throughput?from=${DAY}&to=${DAY}&groupBy=window`, tokens.admin);
        expect(stats.status).toBe(200);
      },
      fuzzTimeout(5_000),
    );
  });
});
