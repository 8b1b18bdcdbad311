import { Streams } from '@hallwatch/contracts';
import { LEASE_BUCKET } from '../../apps/ingestion/src/repositories/lease.repository';
import { eventually } from '../support/e2e';
import { clusterReady, cyclesOf, expectedAbsences, FaultStack, natsCluster, OwnedServer, publishAll, tempDir } from '../support/faults';

const WINDOWS = ['W1', 'W2'];
const CYCLES = 9;
const events = cyclesOf(WINDOWS, 0, CYCLES);

describe('a 3-node NATS cluster with HALLWATCH_STREAM_REPLICAS=3: one node killed mid-stream', () => {
  const stack = new FaultStack('nats-cluster', WINDOWS);
  const nodes = new Map<string, OwnedServer>();

  beforeAll(async () => {
    for (const [name, node] of await natsCluster(tempDir('nats-cluster'))) nodes.set(name, node);
    await stack.start(['ingestion', 'reporting', 'gateway'], {
      natsUrl: [...nodes.values()].map((n) => n.url).join(','),
      env: { HALLWATCH_STREAM_REPLICAS: '3' },
      prepare: async (nc) => {
        await clusterReady(nc);
        const jsm = await nc.jetstreamManager();
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
