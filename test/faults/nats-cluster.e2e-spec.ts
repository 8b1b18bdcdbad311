import * as path from 'node:path';
import { Streams } from '@hallwatch/contracts';
import { LEASE_BUCKET } from '../../apps/ingestion/src/repositories/lease.repository';
import { eventually, freePort } from '../support/e2e';
import { cyclesOf, expectedAbsences, FaultStack, OwnedServer, publishAll, tempDir } from '../support/faults';

const WINDOWS = ['W1', 'W2'];
const CYCLES = 9;
const events = cyclesOf(WINDOWS, 0, CYCLES);

describe('a 3-node NATS cluster with HALLWATCH_STREAM_REPLICAS=3: one node killed mid-stream', () => {
  const stack = new FaultStack('nats-cluster', WINDOWS);
  const nodes = new Map<string, OwnedServer>();

  beforeAll(async () => {
    const dir = tempDir('nats-cluster');
    const ports = await Promise.all([0, 1, 2].map(async () => ({ client: await freePort(), route: await freePort() })));
    const routes = ports.map((p) => `nats://127.0.0.1:${p.route}`);
    await Promise.all(
      ports.map(async (p, i) => {
        const args = [
          '--name',
          `n${i}`,
          '--cluster_name',
          'hallwatch-e2e',
          '--cluster',
          routes[i],
          '--routes',
          routes.filter((_, j) => j !== i).join(','),
        ];
        nodes.set(`n${i}`, await OwnedServer.nats(path.join(dir, `n${i}`), p.client, args));
      }),
    );
    await stack.start(['ingestion', 'reporting', 'gateway'], {
      natsUrl: [...nodes.values()].map((n) => n.url).join(','),
      env: { HALLWATCH_STREAM_REPLICAS: '3' },
      prepare: async (nc) => {
        // JetStream is usable once the nodes elected a meta leader and can place three replicas.
        const jsm = await nc.jetstreamManager({ checkAPI: false });
        await eventually(
          async () => {
            await jsm.streams.add({ name: 'E2E_PROBE', subjects: ['e2e.probe'], num_replicas: 3 });
            return jsm.streams.delete('E2E_PROBE');
          },
          60_000,
          1000,
        );
        // As an earlier version left them: one replica, no limits. The services reconcile them at start.
        await jsm.streams.add({ name: Streams.presence.name, subjects: [...Streams.presence.subjects], num_replicas: 1 });
        await nc.jetstream().views.kv(LEASE_BUCKET, { ttl: 15_000, history: 1 });
      },
    });
  });

  afterAll(async () => {
    await stack.stop();
    await Promise.all([...nodes.values()].map((n) => n.stop()));
  });

  it('reconciles the streams and lease bucket to three replicas with their limits, and loses nothing when the presence stream leader dies', async () => {
    const { api, nc } = stack;
    const jsm = await nc.jetstreamManager();
    for (const stream of [Streams.cameras, Streams.presence, Streams.incidents, Streams.cases, Streams.deadLetters]) {
      expect((await jsm.streams.info(stream.name)).config).toMatchObject({
        num_replicas: 3,
        max_age: stream.maxAgeMs * 1e6,
        max_bytes: stream.maxBytes,
      });
    }
    expect((await jsm.streams.info(`KV_${LEASE_BUCKET}`)).config.num_replicas).toBe(3);
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
        `out: ${WINDOWS.map((w) => `${w} ${table[w]!.absentPeriods} absences, ${table[w]!.absenceIncidents} incidents`).join('; ')} (expected ${CYCLES} each: lost 0, duplicated 0); ` +
        `all records counted ${recoveredMs} ms after the kill`,
    );
  });
});
