import type { ChildProcess } from 'node:child_process';
import { headers, Msg } from 'nats';
import { FrameHeaders, Subjects } from '@hallwatch/contracts';
import { stopProcess } from '../ingestion/ingestion-harness';
import { eventually, freePort, RunningService, startService, testDatabaseUri } from '../support/e2e';
import { EventLog, intervals, monitorStates, presenceLedger, startCameras, twoWindowSite, zone } from './inference-harness';

const HOUR = 3_600_000;
const BEHIND_MS = 5000;

/**
 * Capture stamps that lie, on real parts: a camera host 5 s behind the server (the seated clip's
 * frames, relayed by the test as camera cam-behind of hall h3 with stamps 5 s earlier) and one
 * frame per camera stamped 1 h in the future (published by the test). No hall goes blind: the
 * late camera's window is judged, the future frames are refused with a logged reason and reach
 * neither the monitors' time nor their saved snapshots.
 */
describe('inference: camera clocks that lie', () => {
  let rtsp: ChildProcess;
  let ingestion: RunningService;
  let inference: RunningService;
  let events: EventLog;
  let mongodbUri: string;
  let relayed = 0;
  let lastJpeg: Uint8Array | undefined;
  let firstBehindAt = 0;

  const publishFrame = (cameraId: string, capturedAt: number, jpeg: Uint8Array, seq: number) => {
    const h = headers();
    h.set(FrameHeaders.cameraId, cameraId);
    h.set(FrameHeaders.capturedAt, new Date(capturedAt).toISOString());
    h.set(FrameHeaders.seq, String(seq));
    events.connection.publish(Subjects.frames(cameraId), jpeg, { headers: h });
  };
  const last = async (windowId: string) => intervals(await events.presence(windowId)).pop();

  beforeAll(async () => {
    const port = await freePort();
    rtsp = await startCameras(port);
    mongodbUri = testDatabaseUri('inference_skew');
    events = await EventLog.connect();
    // Ingestion pulls the two RTSP cameras; cam-behind exists for inference only (the test relays it).
    ingestion = await startService('ingestion', { HALLWATCH_SITE: twoWindowSite(port, 'h2'), MONGODB_URI: mongodbUri });
    const site = twoWindowSite(port, 'h2', {
      halls: '  - { id: h3, name: 南城便民服务中心, kind: township, minStaffedWindows: 0, schedule: always }',
      cameras: `  - { id: cam-behind, hall: h3, rtsp: "rtsp://127.0.0.1:${port}/seated", sampleEverySeconds: 1 }`,
      windows: `  - { id: W-B, hall: h3, name: 3号窗口, department: 税务局, camera: cam-behind, zone: ${zone('A')} }`,
    });
    inference = await startService('inference', { HALLWATCH_SITE: site, MONGODB_URI: mongodbUri, HALLWATCH_INSTANCE: 'solo' }, 120000);
    const relay = events.connection.subscribe(Subjects.frames('cam-seated'));
    void (async () => {
      for await (const m of relay as AsyncIterable<Msg>) {
        const capturedAt = Date.parse(m.headers?.get(FrameHeaders.capturedAt) ?? '');
        lastJpeg = m.data;
        firstBehindAt ||= Date.now();
        publishFrame('cam-behind', capturedAt - BEHIND_MS, m.data, ++relayed);
      }
    })();
  });

  afterAll(async () => {
    await inference?.stop();
    await ingestion?.stop();
    await stopProcess(rtsp);
    await events?.close();
  });

  it('judges the late camera, refuses frames stamped 1 h ahead, and no hall goes blind', async () => {
    await eventually(
      async () => {
        const [a, e, b] = await Promise.all(['W-A', 'W-E', 'W-B'].map(last));
        return a?.state === 'staffed' && e?.state === 'absent' && b?.state === 'staffed' ? true : undefined;
      },
      90000,
      1000,
    );
    const behindStaffedAfter = Date.now() - firstBehindAt;

    const injectedAt = Date.now();
    for (const cameraId of ['cam-seated', 'cam-empty', 'cam-behind']) publishFrame(cameraId, injectedAt + HOUR, lastJpeg!, 999_999);
    for (const cameraId of ['cam-seated', 'cam-empty', 'cam-behind'])
      await eventually(
        async () =>
          inference.output().match(new RegExp(`camera ${cameraId}: frame 999999 .* refused: captured 36\\d\\d s after`)) ? true : undefined,
        20000,
      );
    // Every hall keeps saving (its time goes on) well past the injection.
    const states = await eventually(
      async () => {
        const saved = await monitorStates(mongodbUri);
        return ['h1', 'h2', 'h3'].every((h) => (saved.get(h)?.savedAt.getTime() ?? 0) > injectedAt + 15000) ? saved : undefined;
      },
      60000,
      1000,
    );

    for (const [windowId, state] of [
      ['W-A', 'staffed'],
      ['W-E', 'absent'],
      ['W-B', 'staffed'],
    ]) {
      const changed = (await events.presence(windowId)).filter((p) => Date.parse(p.since) >= injectedAt - 1000);
      expect({ windowId, changed }).toEqual({ windowId, changed: [] });
      expect((await last(windowId))?.state).toBe(state);
    }
    for (const [hallId, saved] of states) {
      const newest = Math.max(...(saved.snapshot.match(/\d{13}/g) ?? []).map(Number));
      expect({ hallId, future: newest > Date.now() }).toEqual({ hallId, future: false });
    }

    // Every published change is stored once. (The clips loop on, so a change stored after the events
    // were read may not be among them yet: records are compared with the events, not counted.)
    const all = (await Promise.all(['W-A', 'W-E', 'W-B'].map((w) => events.presence(w)))).flat();
    const ledger = await presenceLedger(all, mongodbUri);
    expect(ledger).toMatchObject({ lost: 0, duplicated: 0 });
    console.log(
      `clock-skew figures: frames relayed 5 s behind ${relayed}, frames 1 h ahead 3 (refused 3); presence events ${ledger.events} -> intervals ${ledger.records} ` +
        `(lost ${ledger.lost}, duplicated ${ledger.duplicated}); late camera's window seen staffed ${Math.round(behindStaffedAfter / 1000)} s after its first frame`,
    );
  });
});
