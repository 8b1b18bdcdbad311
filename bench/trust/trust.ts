/**
 * `npm run trust -- --seed N --minutes M [--ops KIND,KIND] [--logs DIR]`: the trust harness.
 *
 * Runs the whole stack as real processes (ingestion, inference, reporting) on its own nats-server
 * and FerretDB, with two RTSP cameras fed by ffmpeg feeders the harness owns: each loops a clip made
 * from test/media/classroom-seated.mp4 whose seated zones are covered for its second half, so what
 * is at each seat at every moment is known by construction (ground-truth.ts). It applies a seeded
 * sequence of operations (a camera stops or freezes and comes back; a service is killed, paused or
 * restarted; NATS or the database restarts; the site file gains or loses a window and the services
 * restart; every detector pass hangs, as a stuck WebAssembly kernel would; the camera host's clock runs
 * seconds behind, an hour ahead or a day behind), then checks what Hallwatch published (the presence stream the console shows) and what
 * the statistics hold (reporting's presence_days and reporting_incidents) against the truth, and
 * ends with exactly one line:
 *
 *   trust: seed N, K operations, invented absence 0 s, missed staffed 0 s, lost 0, duplicated 0
 *
 * invented absence: seconds a window was absent while its seat was staffed or its camera delivered
 * no live video; missed staffed: seconds a window was staffed while its seat was empty or its camera
 * delivered no live video (a stale "staffed"); both beyond the documented detection latency
 * (TOLERANCE_MS), the larger of the live and the statistics' count. lost / duplicated: presence
 * changes and incidents published against what the statistics counted. Exit 0 when all four are 0;
 * otherwise the operations and what went wrong are printed first, and the exit code is 1.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import mongoose from 'mongoose';
import { connect, NatsConnection } from 'nats';
import { Streams } from '@hallwatch/contracts';
import { freePort } from '@hallwatch/runtime';
import { option } from '../support';
import {
  deliveries,
  OPERATION_KINDS,
  OperationKind,
  planOperations,
  stretches,
  Truth,
  truthAt,
  truthsAt,
  unexplainedSeconds,
} from './ground-truth';

import { Camera, EARLY_MS, flag, HALF_MS, Harness, makeClips, SERVICES, TOLERANCE_MS, Window } from './trust-harness';
import { readStream, settle } from './trust-readback';

async function main(): Promise<void> {
  const seed = option('seed', 1);
  const minutes = option('minutes', 20);
  const kinds = (flag('ops')?.split(',') ?? [...OPERATION_KINDS]) as OperationKind[];
  const unknownKind = kinds.find((k) => !OPERATION_KINDS.includes(k));
  if (unknownKind) throw new Error(`--ops: "${unknownKind}" is not one of ${OPERATION_KINDS.join(', ')}`);
  const logDir = flag('logs') ? path.resolve(flag('logs')!) : undefined;
  if (logDir) fs.mkdirSync(logDir, { recursive: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `hallwatch-trust-${seed}-`));
  const durationMs = minutes * 60_000;
  const cameras: Camera[] = [];
  for (const i of [1, 2]) cameras.push({ id: `cam-${i}`, mount: `/cam${i}`, udpPort: await freePort(), feeds: [] });
  const never = Number.MAX_SAFE_INTEGER;
  const windows: Window[] = [
    { id: 'W1-A', camera: 'cam-1', zone: 'A', kind: 'toggling', from: 0 },
    { id: 'W1-E', camera: 'cam-1', zone: 'E', kind: 'empty', from: 0 },
    { id: 'W1-B', camera: 'cam-1', zone: 'B', kind: 'toggling', from: never },
    { id: 'W2-A', camera: 'cam-2', zone: 'A', kind: 'toggling', from: 0 },
    { id: 'W2-E', camera: 'cam-2', zone: 'E', kind: 'empty', from: 0 },
  ];
  const plan = planOperations(
    seed,
    durationMs,
    kinds,
    cameras.map((c) => c.id),
    SERVICES,
  );
  console.log(`trust: seed ${seed}, ${minutes} min, ${plan.length} operations planned (${kinds.join(', ')}); work in ${dir}`);
  const clips = makeClips(dir);
  const harness = new Harness(dir, clips, cameras, windows, logDir);
  let nc: NatsConnection | undefined;
  try {
    await harness.start();
    harness.note('stack started');
    const t0 = harness.started;
    let still = 0;
    for (const op of plan) {
      const wait = t0 + op.at - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      await harness.apply(op, still++ % 2);
    }
    const left = t0 + durationMs - Date.now();
    if (left > 0) await new Promise((r) => setTimeout(r, left));
    const end = Date.now();
    harness.note('end of the run; counting');

    nc = await connect({ servers: harness.natsUrl, maxReconnectAttempts: -1 });
    const settled = await settle(nc, 120_000);
    const presence = await readStream(nc, Streams.presence.name);
    const incidents = (await readStream(nc, Streams.incidents.name)).filter((m) => /\.(opened|closed)$/.test(m.subject));
    const conn = await mongoose.createConnection(harness.mongoUri).asPromise();
    const days = await conn.db!.collection('presence_days').find({}).toArray();
    const stored = await conn
      .db!.collection('reporting_incidents')
      .find({}, { projection: { _id: 1 } })
      .toArray();
    await conn.close();

    const key = (windowId: string, since: number, state: string) => `${windowId}|${since}|${state}`;
    const published = presence.map((m) => ({
      windowId: String(m.data.windowId),
      state: String(m.data.state),
      since: Date.parse(String(m.data.since)),
    }));
    const counted = days.flatMap((d) =>
      ((d.changes as { state: string; since: number }[]) ?? []).map((c) => ({
        windowId: String(d.windowId),
        state: c.state,
        since: c.since,
      })),
    );
    const presenceDelivery = deliveries(
      new Set(published.map((p) => key(p.windowId, p.since, p.state))),
      counted.map((c) => key(c.windowId, c.since, c.state)),
    );
    const incidentDelivery = deliveries(
      new Set(incidents.map((m) => String(m.data.id))),
      stored.map((d) => String(d._id)),
    );

    let invented = 0;
    let missed = 0;
    const findings: string[] = [];
    for (const w of windows) {
      if (w.from === never) continue;
      const camera = cameras.find((c) => c.id === w.camera)!;
      const real = (t: number): Truth => (t < t0 ? 'no-video' : truthAt(w.kind, HALF_MS, camera.feeds, harness.blackouts, t));
      const truth = (t: number) => truthsAt(real, harness.skews, t);
      const until = Math.min(end, w.to ?? end);
      const measure = (changes: { windowId: string; state: string; since: number }[]) => {
        const held = stretches(
          changes.filter((c) => c.windowId === w.id),
          Math.max(t0, w.from),
          until,
        );
        return {
          absent: unexplainedSeconds(held, 'absent', 'empty', truth, TOLERANCE_MS, EARLY_MS),
          staffed: unexplainedSeconds(held, 'staffed', 'staffed', truth, TOLERANCE_MS, EARLY_MS),
        };
      };
      const live = measure(published);
      const stats = measure(counted);
      const [a, s] = [Math.max(live.absent, stats.absent), Math.max(live.staffed, stats.staffed)];
      invented += a;
      missed += s;
      if (a || s) {
        const rel = (t: number) => ((t - t0) / 1000).toFixed(1);
        findings.push(
          `${w.id}: invented absence ${a} s (live ${live.absent}, statistics ${stats.absent}), missed staffed ${s} s (live ${live.staffed}, statistics ${stats.staffed})`,
          `  ${w.camera} feeds: ${camera.feeds.map((f) => `${f.kind} from ${rel(f.from)}`).join(', ')}`,
          `  ${w.id} published: ${published
            .filter((c) => c.windowId === w.id)
            .map((c) => `${c.state} since ${rel(c.since)}`)
            .join(', ')}`,
        );
      }
    }
    // A run in which a seat was never judged both ways proves nothing: count it as a failure.
    for (const w of windows) {
      if (w.from !== 0) continue;
      const states = new Set(published.filter((c) => c.windowId === w.id).map((c) => c.state));
      const expected = w.kind === 'toggling' ? ['staffed', 'absent'] : ['absent'];
      const missing = expected.filter((state) => !states.has(state));
      if (missing.length) findings.push(`${w.id}: never published ${missing.join(' or ')}: the run judged too little to count`);
    }
    const lost = presenceDelivery.lost.length + incidentDelivery.lost.length;
    const duplicated = presenceDelivery.duplicated.length + incidentDelivery.duplicated.length;
    if (!settled) findings.push('reporting had not caught up with the presence and incident streams 120 s after the end');
    for (const id of [...presenceDelivery.lost, ...incidentDelivery.lost].slice(0, 20)) findings.push(`lost: ${id}`);
    for (const id of [...presenceDelivery.duplicated, ...incidentDelivery.duplicated].slice(0, 20)) findings.push(`duplicated: ${id}`);
    const ok = invented === 0 && missed === 0 && lost === 0 && duplicated === 0 && findings.length === 0;
    console.log(ok ? 'trust: the operations:' : `trust: seed ${seed} failed; the operations that led to it:`);
    for (const line of harness.log) console.log(`  ${line}`);
    if (!ok) {
      for (const f of findings) console.log(`  ${f}`);
      process.exitCode = 1;
    }
    console.log(
      `trust: seed ${seed}, ${plan.length} operations, invented absence ${invented} s, missed staffed ${missed} s, lost ${lost}, duplicated ${duplicated}`,
    );
  } finally {
    await nc?.close();
    await harness.stopAll();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (err) => {
    console.error(`trust: ${(err as Error).stack ?? err}`);
    process.exit(2);
  },
);
