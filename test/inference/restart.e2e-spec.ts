import type { ChildProcess } from 'node:child_process';
import { stopProcess } from '../ingestion/ingestion-harness';
import { eventually, freePort, RunningService, startService, testDatabaseUri } from '../support/e2e';
import { disjoint, EventLog, incidentsById, intervals, presenceLedger, startCameras, twoWindowSite } from './inference-harness';

/** Frames vouch for one sample interval (1 s here); allow a second more for delivery. */
const SLACK_MS = 2000;

/**
 * Inference stopped during an absence, hard (SIGKILL) and gracefully (SIGTERM), and started again
 * on real parts: it resumes from its saved state, the downtime is unknown (never absent or
 * staffed), and no incident is opened twice or stretched over the downtime.
 */
describe('inference: a restart during an absence', () => {
  let rtsp: ChildProcess;
  let ingestion: RunningService;
  let inference: RunningService;
  let events: EventLog;
  let env: Record<string, string>;
  const downtimes: { how: string; down: number; up: number; resumed: number }[] = [];

  const absences = async () => (await events.incidents()).filter((i) => i.kind === 'absence' && i.windowId === 'W-E');
  const startInference = () => startService('inference', { ...env, HALLWATCH_INSTANCE: 'solo' }, 120000);
  /** Waits until after `after` W-E is absent and W-A staffed again, and the count of absences reached `count`. */
  const resumedAfter = async (after: number, count: number) => {
    await eventually(
      async () => {
        const [a, e] = [intervals(await events.presence('W-A')).pop(), intervals(await events.presence('W-E')).pop()];
        const again = a?.state === 'staffed' && a.from > after && e?.state === 'absent' && e.from > after;
        return again && incidentsById(await absences()).size >= count ? true : undefined;
      },
      60000,
      1000,
    );
  };

  beforeAll(async () => {
    const port = await freePort();
    rtsp = await startCameras(port);
    const site = twoWindowSite(port, 'h1');
    env = { HALLWATCH_SITE: site, MONGODB_URI: testDatabaseUri('inference_restart') };
    events = await EventLog.connect();
    ingestion = await startService('ingestion', env);
    inference = await startInference();
  });

  afterAll(async () => {
    await inference?.stop();
    await ingestion?.stop();
    await stopProcess(rtsp);
    await events?.close();
  });

  it('resumes after SIGKILL and after SIGTERM from the saved state', async () => {
    await resumedAfter(0, 1);
    for (const how of ['SIGKILL', 'SIGTERM'] as const) {
      const down = Date.now();
      if (how === 'SIGKILL') await stopProcess(inference.process, 'SIGKILL');
      else await inference.stop();
      await new Promise((r) => setTimeout(r, 3000));
      inference = await startInference();
      const up = Date.now();
      const downtime = { how, down, up, resumed: 0 };
      downtimes.push(downtime);
      const resumed = 'hall h1: monitored by instance solo (resumed from the state saved at';
      await eventually(async () => (inference.output().includes(resumed) ? true : undefined), 30000);
      await resumedAfter(up, downtimes.length + 1);
      downtime.resumed = Date.now();
    }
  });

  it('shows each downtime as unknown and neither duplicates nor stretches an incident', async () => {
    expect(downtimes.map((d) => d.how)).toEqual(['SIGKILL', 'SIGTERM']);
    for (const windowId of ['W-A', 'W-E']) {
      const timeline = intervals(await events.presence(windowId));
      for (const { how, down, up } of downtimes) {
        const during = timeline.find((i) => i.from <= down + SLACK_MS && down + SLACK_MS < i.to);
        expect({ windowId, how, state: during?.state }).toEqual({ windowId, how, state: 'unknown' });
        // Unknown until frames after the restart confirmed the seat again.
        expect(during!.to).toBeGreaterThan(up);
      }
      expect(timeline[timeline.length - 1].state).toBe(windowId === 'W-A' ? 'staffed' : 'absent');
    }

    const byId = incidentsById(await absences());
    for (const [, { opened, closed }] of byId) {
      expect(opened.length).toBeLessThanOrEqual(1);
      expect(closed.length).toBeLessThanOrEqual(1);
    }
    const spans = [...byId.values()].map((e) => e.closed[0] ?? e.opened[0]).sort((a, b) => Date.parse(a.openedAt) - Date.parse(b.openedAt));
    expect(spans).toHaveLength(3);
    expect(disjoint(spans)).toBe(true);
    downtimes.forEach(({ down }, k) => {
      expect(Date.parse(spans[k].closedAt!)).toBeLessThanOrEqual(down + SLACK_MS);
      expect(Date.parse(spans[k + 1].openedAt)).toBeGreaterThan(down);
    });
    expect(spans[2].closedAt).toBeUndefined();
    expect((await events.incidents()).filter((i) => i.windowId === 'W-A')).toEqual([]);

    const ledger = await presenceLedger([...(await events.presence('W-A')), ...(await events.presence('W-E'))], env.MONGODB_URI);
    expect(ledger).toMatchObject({ lost: 0, duplicated: 0, records: ledger.events });
    console.log(
      `restart figures: presence events ${ledger.events} -> intervals ${ledger.records} (lost ${ledger.lost}, duplicated ${ledger.duplicated}); ` +
        downtimes.map((d) => `${d.how}: both windows judged again ${Math.round((d.resumed - d.up) / 1000)} s after the restart`).join(', '),
    );
  });
});
