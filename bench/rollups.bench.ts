/**
 * `npm run bench:rollups [-- --windows N --changes N]`: presence events consumed and rolled up by
 * one reporting process, then by two, each time on a fresh nats-server and FerretDB in a temporary
 * folder. The services start, then N windows × `changes` presence changes of one Monday (in time
 * order across the windows, as a hall reports them) are published on hallwatch.presence.<windowId>,
 * and the run ends when the durable consumer has every one acknowledged. It prints, per run, the
 * events per second, the CPU seconds of the reporting processes, FerretDB and NATS (the machine is
 * often shared: CPU time says more than wall-clock), and checks that every change was stored once.
 * Ends with the line `reporting: 1 instance R1 events/s, 2 instances R2 events/s`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import mongoose from 'mongoose';
import { connect } from 'nats';
import { encodeMessage, Streams, Subjects } from '@hallwatch/contracts';
import { ensureFerretDb, ensureNats, freePort } from '@hallwatch/runtime';
import { generatedSite, option, startService, treeUsage } from './support';

const WINDOWS = option('windows', 40);
const CHANGES = option('changes', 20);
const HALLS = 4;
const DATE = '2024-03-04';
/** A run that has not drained its events by then is reported as failed. */
const DRAIN_MS = 15 * 60_000;

/** Change k of every window: staffed and absent in turn, every 20 minutes from 09:00. */
function events(): { windowId: string; body: object }[] {
  const out: { windowId: string; body: object }[] = [];
  for (let k = 0; k < CHANGES; k++) {
    const minute = 9 * 60 + k * 20;
    const since = `${DATE}T${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}:00+08:00`;
    const at = since.replace(':00+08:00', ':05+08:00');
    for (let w = 0; w < WINDOWS; w++)
      out.push({
        windowId: `W${w}`,
        body: { windowId: `W${w}`, hallId: `H${w % HALLS}`, state: k % 2 === 0 ? 'staffed' : 'absent', since, at },
      });
  }
  return out;
}

async function run(instances: number): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `hallwatch-bench-reporting-${instances}-`));
  const nats = await ensureNats(undefined, dir, await freePort());
  const db = await ensureFerretDb(undefined, dir, 0, '');
  const mongodbUri = `${db.url.replace(/\/$/, '')}/bench_reporting`;
  fs.writeFileSync(path.join(dir, 'site.yaml'), generatedSite(HALLS, WINDOWS));
  const env = { HALLWATCH_SITE: path.join(dir, 'site.yaml'), NATS_URL: nats.url, MONGODB_URI: mongodbUri, HALLWATCH_DATA_DIR: dir };
  const services = Array.from({ length: instances }, (_, i) => startService('reporting', { ...env, HALLWATCH_INSTANCE: `r${i + 1}` }));
  const nc = await connect({ servers: nats.url });
  try {
    await Promise.all(services.map((s) => s.started));
    const cpu = () => ({
      reporting: services.reduce((sum, s) => sum + treeUsage(s.child.pid!).rootSeconds, 0),
      ferretdb: db.process?.pid ? treeUsage(db.process.pid).rootSeconds : 0,
      nats: nats.process?.pid ? treeUsage(nats.process.pid).rootSeconds : 0,
    });
    const all = events();
    const js = nc.jetstream();
    const before = cpu();
    const started = Date.now();
    let last = 0;
    for (let i = 0; i < all.length; i += 100)
      for (const ack of await Promise.all(
        all.slice(i, i + 100).map((e) => js.publish(Subjects.presence(e.windowId), encodeMessage(e.body))),
      ))
        last = Math.max(last, ack.seq);
    const jsm = await nc.jetstreamManager();
    for (;;) {
      const info = await jsm.consumers.info(Streams.presence.name, 'reporting');
      if (info.ack_floor.stream_seq >= last && info.num_ack_pending === 0) break;
      if (Date.now() - started > DRAIN_MS)
        throw new Error(`${instances} instance(s): ${info.ack_floor.stream_seq} of ${last} acknowledged`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const seconds = (Date.now() - started) / 1000;
    const after = cpu();

    // Honest only if every change was stored, once.
    const conn = await mongoose.createConnection(mongodbUri).asPromise();
    try {
      const days = await conn.collection('presence_days').find().toArray();
      const stored = days.reduce((n, d) => n + (d.changes as unknown[]).length, 0);
      if (stored !== all.length) throw new Error(`${instances} instance(s): ${stored} changes stored, ${all.length} published`);
    } finally {
      await conn.close();
    }
    const used = (k: keyof typeof before) => after[k] - before[k];
    const rate = all.length / seconds;
    console.log(
      `reporting ${instances} instance(s): ${all.length} presence events (${WINDOWS} windows) in ${seconds.toFixed(1)} s: ${rate.toFixed(1)} events/s; ` +
        `CPU seconds: reporting ${used('reporting').toFixed(1)} (${((1000 * used('reporting')) / all.length).toFixed(1)} ms per event), ` +
        `FerretDB ${used('ferretdb').toFixed(1)}, NATS ${used('nats').toFixed(1)}; machine: ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`,
    );
    return rate;
  } finally {
    await nc.close();
    for (const s of services) s.child.kill('SIGTERM');
    await Promise.all(services.map((s) => new Promise((r) => (s.child.exitCode !== null ? r(null) : s.child.once('exit', r)))));
    db.process?.kill('SIGTERM');
    nats.process?.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const one = await run(1);
  const two = await run(2);
  console.log(`reporting: 1 instance ${one.toFixed(1)} events/s, 2 instances ${two.toFixed(1)} events/s`);
}

main().catch((err) => {
  console.error(`bench:rollups: ${(err as Error).message}`);
  process.exit(1);
});
