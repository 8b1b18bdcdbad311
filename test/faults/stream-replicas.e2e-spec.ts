/**
 * A service restarted without HALLWATCH_STREAM_REPLICAS (a forgotten line in the env file) against
 * a cluster whose streams and lease buckets have 3 replicas: it brings their limits up to date but
 * keeps their replicas (issue 20, item 7). Before, each service brought them back to 1 replica.
 */
import { Streams } from '@hallwatch/contracts';
import { LEASE_BUCKET } from '../../apps/ingestion/src/repositories/lease.repository';
import { eventually } from '../support/e2e';
import { clusterReady, cycleEvents, FaultStack, natsCluster, OwnedServer, publishAll, tempDir } from '../support/faults';

const REPORTING_LOCK = 'hallwatch_reporting_lock';
const STREAMS = [Streams.cameras, Streams.presence, Streams.incidents, Streams.cases, Streams.queue, Streams.deadLetters];

describe('HALLWATCH_STREAM_REPLICAS unset against replicated streams', () => {
  const stack = new FaultStack('stream-replicas', ['W1']);
  const nodes = new Map<string, OwnedServer>();

  beforeAll(async () => {
    for (const [name, node] of await natsCluster(tempDir('stream-replicas'))) nodes.set(name, node);
    await stack.start(['ingestion', 'reporting', 'gateway'], {
      natsUrl: [...nodes.values()].map((n) => n.url).join(','),
      env: { HALLWATCH_STREAM_REPLICAS: '' },
      prepare: async (nc) => {
        await clusterReady(nc);
        // As an operator replicated them (deploy/nats/replicate-streams.js), before this version's limits.
        const jsm = await nc.jetstreamManager();
        for (const s of STREAMS) await jsm.streams.add({ name: s.name, subjects: [...s.subjects], num_replicas: 3 });
        for (const bucket of [LEASE_BUCKET, REPORTING_LOCK])
          await nc.jetstream().views.kv(bucket, { ttl: 15_000, history: 1, replicas: 3 });
      },
    });
  });

  afterAll(async () => {
    await stack.stop();
    await Promise.all([...nodes.values()].map((n) => n.stop()));
  });

  it('keeps 3 replicas of every stream and bucket, brings the limits up to date, and says why', async () => {
    const { nc } = stack;
    const jsm = await nc.jetstreamManager();
    // An event stored by reporting: its write lock (and so the lock bucket) was used.
    await publishAll(nc.jetstream(), cycleEvents('W1', 0).slice(0, 1));
    await eventually(async () => {
      const c = await jsm.consumers.info(Streams.presence.name, 'reporting');
      return c.ack_floor.stream_seq >= 1 || undefined;
    }, 60_000);
    for (const s of STREAMS) {
      // Reconciled (its limits are this version's), replicas kept.
      expect([s.name, (await jsm.streams.info(s.name)).config]).toEqual([
        s.name,
        expect.objectContaining({ num_replicas: 3, max_age: s.maxAgeMs * 1e6, max_bytes: s.maxBytes }),
      ]);
    }
    for (const bucket of [LEASE_BUCKET, REPORTING_LOCK])
      expect([bucket, (await jsm.streams.info(`KV_${bucket}`)).config.num_replicas]).toEqual([bucket, 3]);
    const [ingestion, reporting] = stack.services.map((s) => s.output());
    expect(ingestion).toContain(`${Streams.cameras.name} has 3 replicas, more than HALLWATCH_STREAM_REPLICAS=1: kept at 3`);
    expect(ingestion).toContain(`KV_${LEASE_BUCKET} has 3 replicas, more than HALLWATCH_STREAM_REPLICAS=1: kept at 3`);
    expect(reporting).toContain(`${Streams.presence.name} has 3 replicas, more than HALLWATCH_STREAM_REPLICAS=1: kept at 3`);
    expect(reporting).toContain(`KV_${REPORTING_LOCK} has 3 replicas, more than HALLWATCH_STREAM_REPLICAS=1: kept at 3`);
    expect(stack.allRunning()).toBe(true);
  });
});
