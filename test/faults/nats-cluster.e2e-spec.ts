import * as path from 'node:path';
import { connect, NatsConnection } from 'nats';
import { Streams } from '@hallwatch/contracts';
import { natsConnectionOptions } from '@hallwatch/runtime';
import { eventually, freePort, RunningService, startService } from '../support/e2e';
import { Api, cycleEvents, expectedAbsences, faultSite, OwnedServer, publishAll, tempDir } from '../support/faults';

const WINDOWS = ['W1', 'W2'];
const CYCLES = 9;
const events = WINDOWS.flatMap((w) => Array.from({ length: CYCLES }, (_, c) => cycleEvents(w, c)).flat());

describe('a 3-node NATS cluster with HALLWATCH_STREAM_REPLICAS=3: one node killed mid-stream', () => {
  const nodes = new Map<string, OwnedServer>();
  let db: OwnedServer;
  let services: RunningService[] = [];
  let nc: NatsConnection;
  let api: Api;

  beforeAll(async () => {
    const dir = tempDir('nats-cluster');
    const ports = await Promise.all([0, 1, 2].map(async () => ({ client: await freePort(), route: await freePort() })));
    const routes = ports.map((p) => `nats://127.0.0.1:${p.route}`);
    await Promise.all(
      ports.map(async (p, i) => {
        const args = ['--name', `n${i}`, '--cluster_name', 'hallwatch-e2e', '--cluster', routes[i], '--routes', routes.filter((_, j) => j !== i).join(',')];
        nodes.set(`n${i}`, await OwnedServer.nats(path.join(dir, `n${i}`), p.client, args));
      }),
    );
    db = await OwnedServer.ferretDb(dir);
    const natsUrl = [...nodes.values()].map((n) => n.url).join(',');
    nc = await connect(natsConnectionOptions(natsUrl, 'e2e-publisher'));
    // JetStream is usable once the nodes elected a meta leader and can place three replicas.
    const jsm = await nc.jetstreamManager({ checkAPI: false });
    await eventually(async () => {
      await jsm.streams.add({ name: 'E2E_PROBE', subjects: ['e2e.probe'], num_replicas: 3 });
      return jsm.streams.delete('E2E_PROBE');
    }, 60_000, 1000);
    // As an earlier version left it: one replica, no limits. Reporting must reconcile it at start.
    await jsm.streams.add({ name: Streams.presence.name, subjects: [...Streams.presence.subjects], num_replicas: 1 });
    const port = await freePort();
    const env = {
      HALLWATCH_SITE: await faultSite(WINDOWS),
      NATS_URL: natsUrl,
      HALLWATCH_STREAM_REPLICAS: '3',
      MONGODB_URI: `${db.url}/cluster`,
      PORT: String(port),
      HALLWATCH_JWT_SECRET: 'e2e-cluster',
    };
    services = [await startService('reporting', env), await startService('gateway', env)];
    api = await Api.login(`http://127.0.0.1:${port}`);
  });

  afterAll(async () => {
    await nc?.close();
    await Promise.all(services.map((s) => s.stop()));
    await Promise.all([...nodes.values(), db].map((s) => s?.stop()));
  });

  it('reconciles the streams to three replicas with their limits, and loses nothing when the presence stream leader dies', async () => {
    const jsm = await nc.jetstreamManager();
    for (const stream of [Streams.presence, Streams.incidents, Streams.cases, Streams.deadLetters]) {
      expect((await jsm.streams.info(stream.name)).config).toMatchObject({ num_replicas: 3, max_age: stream.maxAgeMs * 1e6, max_bytes: stream.maxBytes });
    }
    const js = nc.jetstream();
    const publishing = publishAll(js, events, 120_000);
    // Mid-stream: some events stored and consumed, most still to come.
    await eventually(async () => ((await jsm.streams.info(Streams.presence.name)).state.messages >= 10 ? true : undefined), 60_000, 100);
    const leader = (await jsm.streams.info(Streams.presence.name)).cluster!.leader!;
    await nodes.get(leader)!.kill();
    const killed = Date.now();
    await publishing;
    const table = await api.untilAbsences(WINDOWS, CYCLES, 90_000);
    const recoveredMs = Date.now() - killed;
    expect(table).toEqual(expectedAbsences(WINDOWS, CYCLES));
    const health = await api.health();
    expect(health.body).toMatchObject({ nats: 'ok', deadLetters: 0, services: { reporting: { status: 'ok' } } });
    console.log(
      `3-node cluster, presence stream leader ${leader} killed mid-stream: ${events.length} events in; ` +
        `out: ${WINDOWS.map((w) => `${w} ${table[w]!.absenceCount} absences, ${table[w]!.absenceIncidents} incidents`).join('; ')} (expected ${CYCLES} each: lost 0, duplicated 0); ` +
        `all records counted ${recoveredMs} ms after the kill`,
    );
  });
});
