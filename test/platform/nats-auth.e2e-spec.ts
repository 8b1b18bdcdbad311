import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { connect, NatsConnection, Status } from 'nats';
import { NATS_IDENTITIES, natsAuth, NatsIdentity, readEnv } from '@hallwatch/config';
import { encodeMessage, InferenceRequests, Subjects } from '@hallwatch/contracts';
import { listDeadLetters, natsConnectionOptions } from '@hallwatch/runtime';
import { eventually, freePort, login, ROOT, runCli, RunningService, startService, testDatabaseUri } from '../support/e2e';
import { faultSite, OwnedServer, tempDir } from '../support/faults';
import { ConsoleStack, followEvents, PASSWORD } from '../web/console-harness';
import { makeTestCa } from '../support/test-ca';

/**
 * NATS as a secured boundary: a real nats-server whose configuration includes
 * deploy/nats/permissions.conf (and, in the second part, TLS with a test CA made here by openssl),
 * the whole stack as real processes, each signed in as its own user with only its own password.
 */
const PERMISSIONS = path.join(ROOT, 'deploy', 'nats', 'permissions.conf');
// A letter first: nats-server reads a variable's value as a config token, so 12e4… would be a number.
const passwords = Object.fromEntries(NATS_IDENTITIES.map((id) => [id, `p${randomBytes(12).toString('hex')}`])) as Record<
  NatsIdentity,
  string
>;
const passwordVariable = (id: NatsIdentity) => `HALLWATCH_NATS_${id.toUpperCase()}_PASSWORD`;

/** A nats-server; it reads the passwords from its environment, as permissions.conf says. */
async function securedNats(dir: string, tls?: { cert: string; key: string }): Promise<{ server: OwnedServer; log: () => string }> {
  fs.copyFileSync(PERMISSIONS, path.join(dir, 'permissions.conf'));
  const conf = path.join(dir, 'nats-server.conf');
  fs.writeFileSync(conf, `${tls ? `tls { cert_file: "${tls.cert}", key_file: "${tls.key}" }\n` : ''}include ./permissions.conf\n`);
  const env = { PATH: process.env.PATH, ...Object.fromEntries(NATS_IDENTITIES.map((id) => [passwordVariable(id), passwords[id]])) };
  const log = path.join(dir, 'nats-server.log');
  const server = await OwnedServer.nats(dir, undefined, ['-c', conf, '-l', log], env);
  return { server, log: () => fs.readFileSync(log, 'utf8') };
}

/** What the server refused Hallwatch's own connections (not this test's, named e2e-…). */
const refusedServices = (log: string) => log.split('\n').filter((l) => /Violation/.test(l) && !l.includes('nats.js:e2e-'));

/** A connection signed in as `identity`, as Hallwatch's own code makes it from the environment. */
function connectAs(url: string, identity: NatsIdentity, env: NodeJS.ProcessEnv = {}): Promise<NatsConnection> {
  const settings = readEnv({ [passwordVariable(identity)]: passwords[identity], ...env }).nats;
  return connect(natsConnectionOptions(url, `e2e-${identity}`, natsAuth(settings, identity)));
}

/** Each service's metrics port in the stack running now. */
const metricsPorts: Record<string, number> = {};

/** The stack with each service given only its own NATS password (and `extra`, e.g. the TLS CA). */
async function startStack(url: string, extra: Record<string, string> = {}): Promise<ConsoleStack> {
  for (const service of ['ingestion', 'inference', 'reporting', 'gateway']) metricsPorts[service] = await freePort();
  const stack = new ConsoleStack();
  await stack.start((service) => ({
    NATS_URL: url,
    [passwordVariable(service as NatsIdentity)]: passwords[service as NatsIdentity],
    HALLWATCH_METRICS_PORT: String(metricsPorts[service]),
    ...extra,
  }));
  return stack;
}

type IncidentAnswer = { id: string; status: string };

/**
 * Drives the stack end to end: services answer the gateway, frames reach inference and the
 * gateway, an absence opens, a supervisor's review reaches reporting's statistics, the CLI imports
 * under its own user. Returns the reviewed incident's id.
 */
async function stackWorks(
  stack: ConsoleStack,
  nats: { url: string; log: () => string },
  extra: Record<string, string> = {},
): Promise<string> {
  const tokens: Record<string, string> = {};
  for (const user of ['admin', 'supervisor', 'evaluator']) tokens[user] = await login(stack.baseUrl, user, PASSWORD);
  const api = (p: string, user: string, init: RequestInit = {}) =>
    fetch(`${stack.baseUrl}${p}`, { ...init, headers: { authorization: `Bearer ${tokens[user]}`, 'content-type': 'application/json' } });

  await stack.startIngestion();
  type Health = { status: string; nats: string; deadLetters: number | null; services: Record<string, { status: string }> };
  let health: Health | undefined;
  await eventually(async () => {
    health = (await (await api('/api/health', 'admin')).json()) as Health;
    return health.status === 'ok' ? health : undefined;
  }, 30_000).catch((err: Error) => {
    throw new Error(`${err.message}; last health: ${JSON.stringify(health)}`);
  });
  expect(health).toMatchObject({ nats: 'ok', deadLetters: 0 });
  await eventually(
    async () => {
      const live = (await (await api('/api/windows/live', 'admin')).json()) as { windowId: string; state: string }[];
      return live.find((w) => w.windowId === 'W01' && w.state === 'staffed');
    },
    120_000,
    1000,
  );
  const snapshot = await api('/api/cameras/cam-1/snapshot', 'admin');
  expect(snapshot.status).toBe(200);
  expect(snapshot.headers.get('content-type')).toContain('image/jpeg');
  // The board's camera health: the last status in the CAMERAS stream, read as the gateway's user.
  const cameras = (await (await api('/api/cameras/status', 'admin')).json()) as { cameraId: string; status: string }[];
  expect(cameras).toContainEqual(expect.objectContaining({ cameraId: 'cam-1', status: 'online' }));
  // A wall screen's key: issued, listed, used and revoked in the gateway's key-value bucket, as its user.
  const issued = await api('/api/wall-keys', 'admin', { method: 'POST', body: JSON.stringify({ label: '大屏', halls: ['h1'] }) });
  expect(issued.status).toBe(201);
  const wall = (await issued.json()) as { id: string; key: string };
  expect((await api('/api/wall-keys', 'admin')).status).toBe(200);
  const asWall = (await fetch(`${stack.baseUrl}/api/windows/live`, { headers: { authorization: `Bearer ${wall.key}` } })).status;
  expect(asWall).toBe(200);
  expect((await api(`/api/wall-keys/${wall.id}`, 'admin', { method: 'DELETE' })).status).toBe(204);

  const absence = await eventually(
    async () =>
      ((await (await api('/api/incidents?kind=absence&window=T01', 'supervisor')).json()) as { items: IncidentAnswer[] }).items[0],
    90_000,
    1000,
  );
  const review = await api(`/api/incidents/${encodeURIComponent(absence.id)}`, 'supervisor', {
    method: 'PATCH',
    body: JSON.stringify({ status: 'confirmed', reason: 'seat empty on camera' }),
  });
  expect(review.status).toBe(200);
  const day = (offset: number) => new Date(Date.now() + 8 * 3_600_000 + offset * 86_400_000).toISOString().slice(0, 10);
  const evaluation = () =>
    api(`/api/stats/evaluation?groupBy=window&from=${day(-1)}&to=${day(0)}`, 'evaluator').then(
      async (r) => (await r.json()) as Record<string, string | number | null>[],
    );
  await eventually(
    async () => (await evaluation()).find((r) => r.window === 'T01' && (r.absenceIncidentsConfirmed as number) >= 1),
    30_000,
  );

  // The CLI under its own user: reporting's code in process, holding the write lock.
  const file = path.join(path.dirname(stack.siteFile), 'complaints.csv');
  const id = `K-${randomBytes(3).toString('hex')}`;
  fs.writeFileSync(
    file,
    [
      'id,receivedAt,channel,windowId,staffId,caseId,category,verified,outcome',
      `${id},${new Date().toISOString()},inspection,W01,,,离岗,true,`,
    ].join('\n'),
  );
  const run = await runCli(['import', 'complaints', file], {
    ...stack.env,
    NATS_URL: nats.url,
    [passwordVariable('cli')]: passwords.cli,
    ...extra,
  });
  expect(run.stdout).toContain('1 accepted, 0 rejected');
  expect(run.status).toBe(0);
  await eventually(async () => (await evaluation()).find((r) => r.window === 'W01' && r.verifiedComplaints === 1), 30_000);
  // Red cards of cases in flight past their deadline: issued and published by reporting (POST /api/cases)
  // and by the CLI's import, each as its own user.
  const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
  const late = { windowId: 'W01', serviceItem: '营业执照', takenAt: ago(120), deadline: ago(10), status: 'accepted', at: ago(60) };
  const posted = await api('/api/cases', 'admin', {
    method: 'POST',
    body: JSON.stringify({ cases: [{ caseId: `C-api-${id}`, ...late }] }),
  });
  expect(posted.status).toBe(200);
  const casesFile = path.join(path.dirname(stack.siteFile), 'cases.csv');
  fs.writeFileSync(
    casesFile,
    [
      'caseId,windowId,serviceItem,takenAt,calledAt,startedAt,finishedAt,deadline,status,at',
      `C-cli-${id},W01,营业执照,${late.takenAt},,,,${late.deadline},accepted,${late.at}`,
    ].join('\n'),
  );
  const casesRun = await runCli(['import', 'cases', casesFile], {
    ...stack.env,
    NATS_URL: nats.url,
    [passwordVariable('cli')]: passwords.cli,
    ...extra,
  });
  expect(casesRun.stdout).toContain('1 accepted, 0 rejected');
  const reds = (await (await api('/api/cards?color=red', 'supervisor')).json()) as { caseId: string }[];
  expect(
    reds
      .map((c) => c.caseId)
      .filter((c) => c.endsWith(id))
      .sort(),
  ).toEqual([`C-api-${id}`, `C-cli-${id}`]);
  // Scrapes read consumer and stream state from JetStream under each service's own user.
  for (const port of Object.values(metricsPorts)) {
    const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(metrics.status).toBe(200);
    await metrics.text();
  }
  // Nothing any service or the CLI did was refused by the server, and no password was logged.
  expect(refusedServices(nats.log())).toEqual([]);
  for (const password of Object.values(passwords)) expect(stack.output() + run.stdout + run.stderr).not.toContain(password);
  return absence.id;
}

/** The status events of a connection, as they come. */
function statuses(nc: NatsConnection): Status[] {
  const seen: Status[] = [];
  void (async () => {
    for await (const s of nc.status()) seen.push(s);
  })();
  return seen;
}

describe('NATS with deploy/nats/permissions.conf: one user per service', () => {
  let nats: OwnedServer;
  let natsLog: () => string;
  let stack: ConsoleStack;
  let reviewed: string;
  const connections: NatsConnection[] = [];

  beforeAll(async () => {
    ({ server: nats, log: natsLog } = await securedNats(tempDir('nats-auth')));
    stack = await startStack(nats.url);
  });

  afterAll(async () => {
    await Promise.all(connections.map((c) => c.close()));
    await stack?.stop();
    await nats?.stop();
  });

  it('runs the whole stack, each service as its own user', async () => {
    reviewed = await stackWorks(stack, { url: nats.url, log: natsLog });
  });

  it('refuses a client without credentials, and one with a wrong password', async () => {
    await expect(connect({ servers: nats.url })).rejects.toMatchObject({ code: 'AUTHORIZATION_VIOLATION' });
    await expect(
      connect(
        natsConnectionOptions(nats.url, 'e2e-guess', natsAuth(readEnv({ HALLWATCH_NATS_GATEWAY_PASSWORD: 'guess' }).nats, 'gateway')),
      ),
    ).rejects.toMatchObject({ code: 'AUTHORIZATION_VIOLATION' });
  });

  it("refuses the ingestion user's incident and its review request, in the server", async () => {
    const watcher = await connectAs(nats.url, 'gateway');
    const forger = await connectAs(nats.url, 'ingestion');
    connections.push(watcher, forger);
    const seenByGateway: string[] = [];
    const sub = watcher.subscribe(Subjects.allIncidents);
    void (async () => {
      for await (const m of sub) seenByGateway.push(m.string());
    })();
    await watcher.flush();
    const forgerStatus = statuses(forger);

    const forged = { id: 'forged-1', kind: 'absence', hallId: 'h1', windowId: 'W01', openedAt: new Date().toISOString() };
    forger.publish(Subjects.incident('W01', 'opened'), encodeMessage(forged));
    const review = { id: reviewed, status: 'dismissed', reason: 'forged', by: 'supervisor' };
    await expect(forger.request(InferenceRequests.reviewIncident, encodeMessage(review), { timeout: 2000 })).rejects.toMatchObject({
      code: 'PERMISSIONS_VIOLATION',
    });

    await eventually(async () => {
      const refused = forgerStatus.filter((s) => s.data === 'PERMISSIONS_VIOLATION').map((s) => s.permissionContext);
      return refused.length >= 2 ? refused : undefined;
    }, 10_000).then((refused) =>
      expect(refused).toEqual(
        expect.arrayContaining([
          { operation: 'publish', subject: Subjects.incident('W01', 'opened'), queue: undefined },
          { operation: 'publish', subject: InferenceRequests.reviewIncident, queue: undefined },
        ]),
      ),
    );
    expect(natsLog()).toContain('Publish Violation - User "ingestion", Subject "hallwatch.incident.W01.opened"');
    // A message of inference's own on the same subjects still gets through, so the forged one would have been seen.
    const inference = await connectAs(nats.url, 'inference');
    connections.push(inference);
    inference.publish(Subjects.incident('T01', 'opened'), encodeMessage({ ...forged, id: 'sentinel-1', hallId: 't1', windowId: 'T01' }));
    await eventually(async () => (seenByGateway.some((m) => m.includes('sentinel-1')) ? true : undefined), 10_000);
    expect(seenByGateway.filter((m) => m.includes('forged-1'))).toEqual([]);

    // The incident keeps the supervisor's decision.
    const token = await login(stack.baseUrl, 'supervisor', PASSWORD);
    const incident = (await (
      await fetch(`${stack.baseUrl}/api/incidents/${encodeURIComponent(reviewed)}`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as IncidentAnswer;
    expect(incident.status).toBe('confirmed');
  });

  it("shows a presence message in its window's hall by the site file, never by the hall it claims", async () => {
    const [admin, manager] = await Promise.all([login(stack.baseUrl, 'admin', PASSWORD), login(stack.baseUrl, 'manager-h1', PASSWORD)]);
    const streams = { admin: followEvents(stack.baseUrl, admin), manager: followEvents(stack.baseUrl, manager) };
    try {
      // The stream is open once the first pings or events could come; a truthful message proves it.
      const inference = await connectAs(nats.url, 'inference');
      connections.push(inference);
      const at = (s: number) => new Date(Date.parse('2026-01-05T09:00:00+08:00') + s * 1000).toISOString();
      const presence = (windowId: string, hallId: string, s: number) =>
        encodeMessage({ windowId, hallId, state: 'staffed', since: at(s), at: at(s) });
      await eventually(async () => {
        inference.publish(Subjects.presence('W01'), presence('W01', 'h1', 1));
        return streams.manager.events.some((e) => e.data.windowId === 'W01' && (e.data as { since?: string }).since === at(1))
          ? true
          : undefined;
      }, 20_000);
      // T01 is t1's window: claiming h1 must not put it in front of h1's manager (nor anyone).
      inference.publish(Subjects.presence('T01'), presence('T01', 'h1', 2));
      inference.publish(Subjects.presence('W01'), presence('W01', 'h1', 3));
      await eventually(
        async () => (streams.manager.events.some((e) => (e.data as { since?: string }).since === at(3)) ? true : undefined),
        10_000,
      );
      for (const s of [streams.admin, streams.manager])
        expect(s.events.filter((e) => (e.data as { since?: string }).since === at(2))).toEqual([]);
      expect(stack.output()).toContain('hallId h1 is not the hall of window T01 (t1)');
    } finally {
      streams.admin.close();
      streams.manager.close();
    }
  });
});

describe('hallwatch backup and restore as the cli user, under permissions.conf', () => {
  let nats: OwnedServer;
  let natsLog: () => string;
  let env: Record<string, string>;
  let dir: string;
  const services: RunningService[] = [];
  const connections: NatsConnection[] = [];
  /** The environment of `identity`: only its own password. */
  const as = (identity: NatsIdentity) => ({ ...env, [passwordVariable(identity)]: passwords[identity] });

  beforeAll(async () => {
    dir = tempDir('nats-backup');
    ({ server: nats, log: natsLog } = await securedNats(dir));
    const site = await faultSite(['W1']);
    env = {
      HALLWATCH_SITE: site,
      MONGODB_URI: testDatabaseUri('natsbackup'),
      NATS_URL: nats.url,
      HALLWATCH_METRICS_PORT: '0',
      HALLWATCH_DATA_DIR: dir,
    };
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await Promise.all(connections.map((c) => c.close()));
    await nats?.stop();
  });

  it('backs up while the services run and restores once they stopped, the server refusing nothing', async () => {
    for (const service of ['inference', 'reporting'] as const) services.push(await startService(service, as(service)));
    // A wall key (the gateway's bucket) and a dead letter (a presence message reporting cannot read), as their own users.
    const gateway = await connectAs(nats.url, 'gateway');
    const inference = await connectAs(nats.url, 'inference');
    const cli = await connectAs(nats.url, 'cli');
    connections.push(gateway, inference, cli);
    await (await gateway.jetstream().views.kv('hallwatch_wall_keys')).put('k1', '{"label":"大屏"}');
    await inference.jetstream().publish(Subjects.presence('W1'), Buffer.from('not json'));
    await eventually(async () => ((await listDeadLetters(cli)).length === 1 ? true : undefined), 30_000);

    const target = path.join(dir, 'backup');
    const backup = await runCli(['backup', target], as('cli'));
    expect(backup.stderr).toBe('');
    expect(backup.status).toBe(0);
    expect(backup.stdout).toContain('backup: KV hallwatch_wall_keys: 1 key(s)');
    expect(backup.stdout).toContain('backup: 1 dead letter(s)');

    await Promise.all(services.splice(0).map((s) => s.stop()));
    const restore = await runCli(['restore', target], as('cli'));
    expect(restore.stderr).toBe('');
    expect(restore.status).toBe(0);
    expect(restore.stdout).toContain('restore: KV hallwatch_wall_keys: 1 key(s)');
    expect(restore.stdout).toContain('restore: dead letters: 0 put back into HALLWATCH_DEADLETTER, 1 still there');
    expect(restore.stdout).toMatch(/consumer HALLWATCH_INCIDENTS\/inference-reviews replays from #\d+/);
    expect(restore.stdout).toMatch(/consumer HALLWATCH_PRESENCE\/inference-presence replays from #\d+/);
    expect(restore.stdout).toContain('restore: done; nothing lost that a stream carries');
    // The services start on the restored consumers as their own users.
    for (const service of ['inference', 'reporting'] as const) services.push(await startService(service, as(service)));
    expect(refusedServices(natsLog())).toEqual([]);
    for (const password of Object.values(passwords)) expect(backup.stdout + restore.stdout).not.toContain(password);
  }, 300_000);
});

describe('NATS over TLS with a test CA, and permissions.conf', () => {
  let nats: OwnedServer;
  let natsLog: () => string;
  let stack: ConsoleStack;
  let ca: string;

  beforeAll(async () => {
    const dir = tempDir('nats-tls');
    const files = makeTestCa(dir, ['127.0.0.1']);
    ca = files.caFile;
    ({ server: nats, log: natsLog } = await securedNats(dir, { cert: files.certFile, key: files.keyFile }));
    stack = await startStack(nats.url, { NATS_TLS_CA: ca });
  });

  afterAll(async () => {
    await stack?.stop();
    await nats?.stop();
  });

  it('runs the whole stack over TLS', async () => {
    await stackWorks(stack, { url: nats.url, log: natsLog }, { NATS_TLS_CA: ca });
  });

  it("refuses to connect to a server whose certificate the client's CA did not sign", async () => {
    await expect(connectAs(nats.url, 'gateway')).rejects.toThrow('unable to verify the first certificate');
    const other = makeTestCa(tempDir('other-ca'), ['127.0.0.1']);
    await expect(connectAs(nats.url, 'gateway', { NATS_TLS_CA: other.caFile })).rejects.toThrow(/certificate/);
    const nc = await connectAs(nats.url, 'gateway', { NATS_TLS_CA: ca });
    await nc.close();
  });
});
