import type { ChildProcess } from 'node:child_process';
import { KV, StringCodec } from 'nats';
import { LEASE_BUCKET } from '../../apps/ingestion/src/repositories/lease.repository';
import { eventually, freePort, RunningService, startService, testDatabaseUri, writeSiteFile } from '../support/e2e';
import { BusWatcher, clip, siteYaml, startRtspServer, stopProcess } from './ingestion-harness';

const CAMERAS = ['scale-1', 'scale-2'];
const codec = StringCodec();

describe('ingestion: several instances share the cameras through NATS leases', () => {
  let rtsp: ChildProcess;
  let a: RunningService;
  let b: RunningService;
  let bus: BusWatcher;
  let leases: KV;

  const owners = async () => {
    const entries = await Promise.all(CAMERAS.map((id) => leases.get(`camera.${id}`)));
    return entries.map((e) => (e && e.operation === 'PUT' ? codec.decode(e.value) : undefined));
  };

  beforeAll(async () => {
    const port = await freePort();
    rtsp = await startRtspServer(port, { '/one': clip('three-standing.mp4'), '/two': clip('store-aisle.mp4') });
    bus = await BusWatcher.start();
    const site = writeSiteFile(
      siteYaml([
        `{ id: scale-1, hall: h1, rtsp: "rtsp://127.0.0.1:${port}/one", sampleEverySeconds: 1 }`,
        `{ id: scale-2, hall: h1, rtsp: "rtsp://127.0.0.1:${port}/two", sampleEverySeconds: 1 }`,
      ]),
    );
    const env = { HALLWATCH_SITE: site, MONGODB_URI: testDatabaseUri() };
    [a, b] = await Promise.all([
      startService('ingestion', { ...env, HALLWATCH_INSTANCE: 'scale-a' }),
      startService('ingestion', { ...env, HALLWATCH_INSTANCE: 'scale-b' }),
    ]);
    // Bind only: the bucket (and its lease TTL) is ingestion's to create.
    leases = await bus.connection.jetstream().views.kv(LEASE_BUCKET, { bindOnly: true });
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await stopProcess(rtsp);
    await bus?.close();
  });

  it('pulls each camera from exactly one instance, and spreads the cameras over both', async () => {
    await eventually(async () => {
      const held = await owners();
      return held.every(Boolean) && new Set(held).size === 2 ? held : undefined;
    }, 40000);
    const since = Date.now();
    await eventually(async () => (CAMERAS.every((id) => bus.framesOf(id, since).length >= 5) ? true : undefined), 30000);
    for (const id of CAMERAS) {
      // Two pullers would interleave two sequences (and double the rate).
      const seqs = bus.framesOf(id, since).map((f) => f.seq);
      expect(seqs.slice(1).every((s, i) => s === seqs[i] + 1)).toBe(true);
    }
    const pulledBy = (out: string) => CAMERAS.filter((id) => out.includes(`camera ${id}: pulled by instance`));
    expect(pulledBy(a.output()).length + pulledBy(b.output()).length).toBeGreaterThanOrEqual(2);
  });

  it("hands a dead instance's cameras to the other within 30 s", async () => {
    const held = await owners();
    const orphaned = CAMERAS.filter((_, i) => held[i] === 'scale-a');
    expect(orphaned.length).toBeGreaterThanOrEqual(1);
    a.process.kill('SIGKILL'); // no goodbye: its leases must expire
    const killedAt = Date.now();
    await eventually(async () => ((await owners()).every((o) => o === 'scale-b') ? true : undefined), 30000);
    expect(Date.now() - killedAt).toBeLessThan(30000);
    for (const id of orphaned) {
      await eventually(async () => (bus.framesOf(id, killedAt).length >= 2 ? true : undefined), 30000);
    }
    expect(b.output()).toContain(`camera ${orphaned[0]}: pulled by instance scale-b`);
  });
});
