import * as fs from 'node:fs';
import * as path from 'node:path';
import { MongoClient } from 'mongodb';
import { ROOT, runCli, startService, testDatabaseUri, writeSiteFile } from '../support/e2e';

const SITE = `
timezone: Asia/Shanghai
halls:
  - { id: h1, name: 区行政审批服务大厅, kind: hall, minStaffedWindows: 1 }
cameras:
  - { id: cam-1, hall: h1, rtsp: "rtsp://127.0.0.1:8554/cam1", sampleEverySeconds: 1 }
windows:
  - { id: W01, hall: h1, name: 1号窗口, department: 区市场监管局, camera: cam-1, zone: [[0.1, 0.1], [0.4, 0.1], [0.4, 0.9], [0.1, 0.9]] }
  - { id: W02, hall: h1, name: 2号窗口, department: 区市场监管局, camera: cam-1, zone: [[0.5, 0.1], [0.9, 0.1], [0.9, 0.9], [0.5, 0.9]] }
schedules:
  default: { weekdays: [mon, tue, wed, thu, fri], open: ["09:00-17:00"] }
`;

const FIXTURE = JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'schema-v1', 'reporting.json'), 'utf8')) as Record<
  string,
  Record<string, unknown>[] | string
>;

interface VersionRow {
  _id: string;
  version: number;
  applied?: { id: string; from: number; to: number; by: string }[];
}

/** A private database holding the previous schema's documents (the fixture), and the environment to start reporting on it. */
async function previousSchemaDatabase(): Promise<{ uri: string; client: MongoClient; env: Record<string, string> }> {
  const uri = testDatabaseUri('migrate');
  const client = await new MongoClient(uri).connect();
  for (const [collection, docs] of Object.entries(FIXTURE)) {
    if (Array.isArray(docs))
      await client
        .db()
        .collection(collection)
        .insertMany(docs as never[]);
  }
  return { uri, client, env: { HALLWATCH_SITE: writeSiteFile(SITE), MONGODB_URI: uri, HALLWATCH_METRICS_PORT: '0' } };
}

const versions = (client: MongoClient) => client.db().collection<VersionRow>('reporting_schema_versions');

describe('upgrades: schema versions and migrations at start', () => {
  const clients: MongoClient[] = [];
  afterAll(async () => Promise.all(clients.map((c) => c.close())));

  it('migrates data of the previous schema at start, once; a second start migrates nothing', async () => {
    const { client, env } = await previousSchemaDatabase();
    clients.push(client);

    const dry = await runCli(['migrate', '--dry-run'], env);
    expect(dry.stderr).toBe('');
    expect(dry.stdout).toContain('reporting window_days 1 -> 2: window-days-version');
    expect(dry.stdout).toContain('migrate: 1 pending migration(s)');

    const first = await startService('reporting', { ...env, HALLWATCH_INSTANCE: 'rep-first' });
    await first.stop();
    expect(first.output()).toContain('migrating window_days from schema version 1 to 2: window-days-version');
    expect(first.output()).toContain('schema migrated: 1 migration(s) run');

    const days = await client.db().collection('window_days').find().sort({ _id: 1 }).toArray();
    expect(days.map((d) => [d._id, d.version, d.days])).toEqual([
      ['W01|2026-11', 1, '{}'],
      ['W02|2026-11', 1, '{}'],
    ]);
    const windowDays = await versions(client).findOne({ _id: 'window_days' });
    expect(windowDays).toMatchObject({ version: 2, applied: [{ id: 'window-days-version', from: 1, to: 2, by: 'rep-first' }] });
    // A collection with documents and no migrations is at its first version; an empty one is recorded at its current one.
    expect(await versions(client).findOne({ _id: 'window_months' })).toMatchObject({ version: 1 });
    expect(await versions(client).findOne({ _id: 'cases' })).toMatchObject({ version: 1 });

    const second = await startService('reporting', { ...env, HALLWATCH_INSTANCE: 'rep-second' });
    await second.stop();
    expect(second.output()).toContain('schema up to date: no migration to run');
    expect(second.output()).not.toContain('migrating ');
    expect((await versions(client).findOne({ _id: 'window_days' }))?.applied).toHaveLength(1);
    expect((await runCli(['migrate', '--dry-run'], env)).stdout).toContain('migrate: 0 pending migration(s)');
  }, 180_000);

  it('refuses to start against data newer than it knows, naming the collection and both versions', async () => {
    const { client, env } = await previousSchemaDatabase();
    clients.push(client);
    await versions(client).insertOne({ _id: 'window_days', version: 7 });
    const expected = 'collection window_days is at schema version 7, newer than this version of Hallwatch knows (2)';
    await expect(startService('reporting', env)).rejects.toThrow(expected);
    const dry = await runCli(['migrate', '--dry-run'], env);
    expect(dry.status).toBe(1);
    expect(dry.stderr).toContain(expected);
    // Nothing was migrated.
    expect(
      await client
        .db()
        .collection('window_days')
        .countDocuments({ version: { $exists: true } }),
    ).toBe(0);
  }, 120_000);

  it('migrates once when two instances start together', async () => {
    const { client, env } = await previousSchemaDatabase();
    clients.push(client);
    const both = await Promise.all(
      ['rep-a', 'rep-b'].map((instance) => startService('reporting', { ...env, HALLWATCH_INSTANCE: instance })),
    );
    await Promise.all(both.map((s) => s.stop()));
    const migrated = both.filter((s) => s.output().includes('migrating window_days from schema version 1 to 2'));
    expect(migrated).toHaveLength(1);
    expect(both.filter((s) => s.output().includes('schema up to date: no migration to run'))).toHaveLength(1);
    const row = await versions(client).findOne({ _id: 'window_days' });
    expect(row?.version).toBe(2);
    expect(row?.applied).toHaveLength(1);
    expect(['rep-a', 'rep-b']).toContain(row?.applied?.[0].by);
  }, 180_000);
});
