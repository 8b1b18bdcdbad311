/**
 * A detector that stops answering (issue 20, item 3). The inference service runs its real
 * WorkerDetector with HALLWATCH_DETECTOR_MODULE pointing at test/support/hanging-detector.js: the
 * real detector, whose passes block the worker thread while a flag file exists (a worker thread
 * cannot be SIGSTOPped on its own, so the block is made from inside it, as a stuck WebAssembly
 * kernel would). The pass times out, the worker is ended and replaced; the windows of every hall
 * turn unknown, never absent, while nothing answers; once the detector answers again they are
 * judged again by the same process.
 */
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JSONCodec } from 'nats';
import { Subjects } from '@hallwatch/contracts';
import { eventually, freePort, ROOT, RunningService, startService, testDatabaseUri } from '../support/e2e';
import { tempDir } from '../support/faults';
import { stopProcess } from '../ingestion/ingestion-harness';
import { EventLog, intervals, startCameras, twoWindowSite } from '../inference/inference-harness';

describe('inference: a detector that never answers', () => {
  let rtsp: ChildProcess;
  let events: EventLog;
  let ingestion: RunningService;
  let inference: RunningService;
  const hang = path.join(tempDir('hung-detector'), 'hang');

  beforeAll(async () => {
    const port = await freePort();
    rtsp = await startCameras(port);
    // W-A (staffed) in hall h1, W-E (an empty room) in hall h2.
    const env = { HALLWATCH_SITE: twoWindowSite(port, 'h2'), MONGODB_URI: testDatabaseUri('hung_detector') };
    events = await EventLog.connect();
    ingestion = await startService('ingestion', env);
    inference = await startService(
      'inference',
      {
        ...env,
        HALLWATCH_DETECTOR_MODULE: path.join(ROOT, 'test', 'support', 'hanging-detector.js'),
        HALLWATCH_TEST_DETECTOR_HANG: hang,
      },
      120_000,
    );
  });

  afterAll(async () => {
    fs.rmSync(hang, { force: true });
    await inference?.stop();
    await ingestion?.stop();
    if (rtsp) await stopProcess(rtsp);
    await events?.close();
  });

  /** The window's latest state, if it began after `after`. */
  const latest = async (windowId: string, after: number) => {
    const now = intervals(await events.presence(windowId)).pop();
    return now && now.from > after ? now.state : undefined;
  };
  const statesSince = async (windowId: string, from: number) =>
    intervals(await events.presence(windowId))
      .filter((i) => i.to > from)
      .map((i) => i.state);

  it('turns the windows of every hall unknown (never absent) while it hangs, and judges them again once the worker is replaced', async () => {
    await eventually(
      async () => ((await latest('W-A', 0)) === 'staffed' && (await latest('W-E', 0)) === 'absent') || undefined,
      120_000,
      1000,
    );

    fs.writeFileSync(hang, '');
    const hungAt = Date.now();
    await eventually(
      async () => ((await latest('W-A', hungAt)) === 'unknown' && (await latest('W-E', hungAt)) === 'unknown') || undefined,
      90_000,
      1000,
    );
    const unknownAt = Date.now();
    // The onnx backend's worker is set aside, not ended: ending it inside the native run would abort inference.
    expect(inference.output()).toMatch(/detector pass not answered within 10000 ms: its worker is set aside until its native pass returns/);
    // While it hangs, W-A (someone in the seat) is never called absent: staffed, then unknown.
    expect(await statesSince('W-A', hungAt)).toEqual(['staffed', 'unknown']);

    fs.rmSync(hang);
    const answeringAt = Date.now();
    // Judged again (from the frames that waited, by their capture times): staffed and absent after the unknown spell.
    await eventually(
      async () =>
        (JSON.stringify(await statesSince('W-A', hungAt)) === '["staffed","unknown","staffed"]' &&
          (await statesSince('W-E', hungAt)).slice(-2).join() === 'unknown,absent') ||
        undefined,
      90_000,
      1000,
    );
    // The same process, healthy: it answers its health request with its database reachable.
    expect(inference.process.exitCode).toBeNull();
    const codec = JSONCodec();
    const reply = await events.connection.request(Subjects.health('inference'), codec.encode({}), { timeout: 5000 });
    // Each instance answers its health subject for itself (what GET /api/health gathers).
    expect(codec.decode(reply.data)).toMatchObject({ service: 'inference', database: 'ok' });
    const absent = (await events.incidents()).filter((i) => i.windowId === 'W-A');
    expect(absent).toEqual([]);
    console.log(
      `hung detector: windows unknown ${Math.round((unknownAt - hungAt) / 1000)} s after the detector stopped answering; ` +
        `judged again ${Math.round((Date.now() - answeringAt) / 1000)} s after it answered`,
    );
  });
});
