import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MongoClient } from 'mongodb';
import { ensureFerretDb } from '@hallwatch/runtime';
import { freePort, login, RunningService, ROOT, Stack, startStack, writeSiteFile } from '../support/e2e';

const PASSWORD = 'correct horse battery';

function siteYaml(hash: string): string {
  return `
timezone: Asia/Shanghai
halls:
  - { id: h1, name: 区行政审批服务大厅, kind: hall, minStaffedWindows: 1 }
  - { id: t1, name: 城关镇便民服务中心, kind: township, minStaffedWindows: 1 }
cameras:
  - { id: cam-1, hall: h1, rtsp: "rtsp://viewer:cam-secret@127.0.0.1:8554/cam1", sampleEverySeconds: 1 }
windows:
  - id: W01
    hall: h1
    name: 1号窗口
    department: 区市场监管局
    camera: cam-1
    zone: [[0.40, 0.0], [0.80, 0.0], [0.80, 1.0], [0.40, 1.0]]
schedules:
  default: { weekdays: [mon, tue, wed, thu, fri, sat, sun], open: ["00:00-24:00"] }
rules: { absenceAfter: 10s, lateAfter: 1h, earlyLeaveBefore: 1h, gapAfter: 1h }
users:
  - { username: admin, role: admin, passwordHash: "${hash}" }
  - { username: manager-t1, role: hall_manager, halls: [t1], passwordHash: "${hash}" }
`;
}

describe('platform: gateway -> NATS -> service -> database and back', () => {
  let stack: Stack;
  let reporting: RunningService;
  let gateway: RunningService;
  let baseUrl: string;

  beforeAll(async () => {
    stack = await startStack({ name: 'platform', password: PASSWORD, site: siteYaml });
    [baseUrl, reporting, gateway] = [stack.base, ...stack.services];
  });

  afterAll(() => stack?.stop());

  it('answers health through NATS with a real database round trip per service', async () => {
    const token = await login(baseUrl, 'admin', PASSWORD);
    const res = await fetch(`${baseUrl}/api/health`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { nats: string; status: string; services: Record<string, { status: string; database?: string }> };
    expect(body.nats).toBe('ok');
    expect(body.services.reporting).toMatchObject({ status: 'ok', database: 'ok' });
    // inference is not running in this test: health says so instead of hanging or failing whole.
    expect(body.services.inference.status).toBe('down');
    expect(body.status).toBe('degraded');
  });

  it('turns away a missing or forged token with 401 and a wrong password with 401', async () => {
    expect((await fetch(`${baseUrl}/api/health`)).status).toBe(401);
    const forged = await fetch(`${baseUrl}/api/health`, { headers: { authorization: 'Bearer abc.def.ghi' } });
    expect(forged.status).toBe(401);
    await expect(login(baseUrl, 'admin', 'wrong')).rejects.toThrow(/401/);
    await expect(login(baseUrl, 'nobody', PASSWORD)).rejects.toThrow(/401/);
  });

  it('rejects an invalid login body with 400 naming the field', async () => {
    const res = await fetch(`${baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin' }),
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toMatch(/password/);
  });

  it('serves the OpenAPI document', async () => {
    const res = await fetch(`${baseUrl}/api/docs-json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/health', '/api/auth/login']));
  });

  it('never logs passwords or camera credentials', () => {
    const logs = reporting.output() + gateway.output();
    expect(logs).toContain('"reporting started"');
    expect(logs).not.toContain(PASSWORD);
    expect(logs).not.toContain('cam-secret');
    // every line is one JSON object (structured logs)
    for (const line of logs.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  });
});

describe('start-up with a bad site file', () => {
  it('stops before anything starts, naming the key and the problem', () => {
    const file = writeSiteFile(`
halls:
  - { id: h1, name: Hall, kind: palace }
windows:
  - { id: W01, hall: h9, name: W, department: D, camera: cam-x, zone: [[0, 0], [1.5, 0], [1, 1]] }
`);
    const result = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'hallwatch.js'), 'start', 'gateway'], {
      env: { ...process.env, HALLWATCH_SITE: file, NATS_URL: 'nats://127.0.0.1:1', MONGODB_URI: 'mongodb://127.0.0.1:1/x' },
      encoding: 'utf8',
      timeout: 30000,
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('halls[0].kind');
    expect(result.stderr).toContain('windows[0].zone[1][0]');
  });
});

describe('services started together on one box without a database URL', () => {
  it('share one embedded FerretDB: the one that loses the race for the port uses the winner', async () => {
    const port = await freePort();
    const dir = fs.mkdtempSync(path.join(process.env.HALLWATCH_TEST_DATA_DIR ?? '/tmp', 'embedded-'));
    const started = await Promise.all([ensureFerretDb(undefined, dir, port), ensureFerretDb(undefined, dir, port)]);
    try {
      expect(started.map((s) => s.url)).toEqual([`mongodb://127.0.0.1:${port}/hallwatch`, `mongodb://127.0.0.1:${port}/hallwatch`]);
      expect(started.filter((s) => s.process).length).toBe(1);
      const client = await MongoClient.connect(started[1].url);
      try {
        await client.db().collection('race').insertOne({ ok: 1 });
        expect(await client.db().collection('race').countDocuments()).toBe(1);
      } finally {
        await client.close();
      }
    } finally {
      for (const s of started) s.process?.kill('SIGTERM');
    }
  });
});
