import * as os from 'node:os';
import { eventually, freePort, login } from '../support/e2e';
import { cycleEvents, expectedAbsences, FaultStack, OwnedServer, PASSWORD, publishAll, tempDir } from '../support/faults';

const WINDOWS = ['W1'];
const SERVICES = ['ingestion', 'inference', 'reporting', 'gateway'] as const;

/**
 * One NATS connection per process (NatsAdapter): each service's repositories, lease buckets,
 * locks, request/reply transport and (in the gateway) push channel and token revocations share
 * it. Counted by the server itself (its monitoring port's connz), after each kind of use ran.
 */
describe('NATS connections: one per service process', () => {
  const stack = new FaultStack('connections', WINDOWS);
  let nats: OwnedServer;
  let monitor: number;

  beforeAll(async () => {
    monitor = await freePort();
    nats = await OwnedServer.nats(tempDir('connections-nats'), undefined, ['-m', String(monitor)]);
    await stack.start(SERVICES, { natsUrl: nats.url });
  });
  afterAll(async () => {
    await stack.stop();
    await nats.stop();
  });

  it('holds one connection per service, named after it, once leases, locks, consumers, requests and the push channel are in use', async () => {
    // Consumed by reporting under its write lock (a KV bucket), counted through the gateway's request/reply.
    await publishAll(stack.nc.jetstream(), cycleEvents('W1', 0));
    expect(await stack.api.untilAbsences(WINDOWS, 1)).toEqual(expectedAbsences(WINDOWS, 1));
    // Every service answers its health request; the gateway also reads the revoked tokens (KV) per request.
    await eventually(async () => {
      const { body } = await stack.api.health();
      return SERVICES.filter((s) => s !== 'gateway').every((s) => body.services[s]?.status === 'ok') || undefined;
    }, 60_000);
    // The console's push channel, opened and read once.
    const token = await login(stack.api.base, 'admin', PASSWORD);
    const live = await fetch(`${stack.api.base}/api/live/events`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(5000),
    });
    expect(live.status).toBe(200);
    await live.body?.cancel();

    const res = await fetch(`http://127.0.0.1:${monitor}/connz?limit=1024`);
    const { connections } = (await res.json()) as { connections: { name?: string }[] };
    const names = connections.map((c) => c.name ?? '(unnamed)').filter((n) => n !== 'e2e-connections');
    // Each service's instance is `<host>-<pid>` (HALLWATCH_INSTANCE unset), so its one connection is known by construction.
    const expected = stack.services.map((s, i) => `${SERVICES[i]}-${os.hostname()}-${s.process.pid}`);
    expect(names.sort()).toEqual(expected.sort());
  });
});
