import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { Streams } from '@hallwatch/contracts';
import { stopProcess } from '../ingestion/ingestion-harness';
import { Api, PASSWORD } from '../support/faults';
import { eventually, freePort, RunningService, startService, testDatabaseUri, writeSiteFile } from '../support/e2e';
import { EventLog, incidentsById, intervals, startCameras, twoWindowSite, zone } from './inference-harness';

/** Frames vouch for one sample interval (1 s here); allow a second more for delivery. */
const SLACK_MS = 2000;
/** What inference logs when a hall stops or cannot be taken up. */
const HALL_FAILED = /output not stored|not taken up|could not be fitted/;

/**
 * The site file changes while inference is down, as it does when a hall gets a window or loses
 * one: on real parts (cameras, ingestion, NATS, the database), the restarted inference resumes the
 * hall from its saved state, judges a window added to it from the restart on, closes out a window
 * removed from it with a final presence event, and the hall keeps running (no failure, no retry loop).
 */
describe('inference: site changes across a restart', () => {
  let rtsp: ChildProcess;
  let ingestion: RunningService;
  let inference: RunningService;
  let gateway: RunningService;
  let api: Api;
  let events: EventLog;
  let port: number;
  let site: string;
  let env: Record<string, string>;

  const startInference = () => startService('inference', { ...env, HALLWATCH_INSTANCE: 'solo' }, 120000);
  /** The window's latest state, once it is `state` and began after `after`. */
  const reaches = (windowId: string, state: string, after: number) =>
    eventually(
      async () => {
        const last = intervals(await events.presence(windowId)).pop();
        return last?.state === state && last.from > after ? last : undefined;
      },
      60000,
      1000,
    );
  /** Stops inference, rewrites the site file (same path: the services' configuration), starts it again. */
  const restartWith = async (yaml: string) => {
    await inference.stop();
    const down = Date.now();
    fs.copyFileSync(yaml, site);
    inference = await startInference();
    await eventually(async () => (inference.output().includes('hall h1: monitored by instance solo (resumed') ? true : undefined), 30000);
    return { down, up: Date.now() };
  };

  beforeAll(async () => {
    port = await freePort();
    rtsp = await startCameras(port);
    site = twoWindowSite(port, 'h1');
    env = { HALLWATCH_SITE: site, MONGODB_URI: testDatabaseUri('inference_site_change') };
    events = await EventLog.connect();
    ingestion = await startService('ingestion', env);
    inference = await startInference();
    const gatewayPort = await freePort();
    gateway = await startService('gateway', {
      ...env,
      PORT: String(gatewayPort),
      HALLWATCH_JWT_SECRET: 'e2e-site-change',
      HALLWATCH_ADMIN_PASSWORD: PASSWORD,
    });
    api = await Api.login(`http://127.0.0.1:${gatewayPort}`);
    await Promise.all([reaches('W-A', 'staffed', 0), reaches('W-E', 'absent', 0)]);
  });

  afterAll(async () => {
    await inference?.stop();
    await gateway?.stop();
    await ingestion?.stop();
    await stopProcess(rtsp);
    await events?.close();
  });

  it('a window added to a hall, then a restart: both windows get presence events, no error loop', async () => {
    const grown = twoWindowSite(port, 'h1', {
      windows: `  - { id: W-D, hall: h1, name: 4号窗口, department: 税务局, camera: cam-seated, zone: ${zone('D')} }`,
    });
    const { up } = await restartWith(grown);
    // W-D is judged from the restart on; W-A, judged by the same hall step, is staffed (with a new
    // interval only if the restart took long enough for its state to go stale first).
    const [added, kept] = await Promise.all([reaches('W-D', 'staffed', up - SLACK_MS), reaches('W-A', 'staffed', 0)]);
    expect(added.state).toBe('staffed');
    expect(kept.state).toBe('staffed');
    // W-D's timeline starts at the restart, unknown until its frames confirmed the seat.
    expect((await events.presence('W-D')).map((p) => p.state)).toEqual(['unknown', 'staffed']);
    await new Promise((r) => setTimeout(r, 10_000)); // a failing hall would have stopped and been retaken by now
    expect(inference.output()).not.toMatch(HALL_FAILED);
    expect(inference.output().match(/hall h1: monitored by instance solo/g)).toHaveLength(1);
  });

  it('a window removed from a hall, then a restart: closed out with a final presence event, its absence closed', async () => {
    const grown = twoWindowSite(port, 'h1', {
      windows: `  - { id: W-D, hall: h1, name: 4号窗口, department: 税务局, camera: cam-seated, zone: ${zone('D')} }`,
    });
    const shrunk = writeSiteFile(fs.readFileSync(grown, 'utf8').replace(/^ {2}- \{ id: W-E.*$/m, ''));
    expect(fs.readFileSync(shrunk, 'utf8')).not.toContain('id: W-E');
    const before = (await events.presence('W-E')).length;
    const { down } = await restartWith(shrunk);
    const last = await eventually(async () => {
      const all = await events.presence('W-E');
      return all.length > before ? all[all.length - 1] : undefined;
    }, 30000);
    expect(last.state).toBe('unknown');
    expect(Date.parse(last.since)).toBeLessThanOrEqual(down + SLACK_MS);
    const absences = [...incidentsById((await events.incidents()).filter((i) => i.kind === 'absence' && i.windowId === 'W-E')).values()];
    expect(absences.length).toBeGreaterThan(0);
    for (const { closed } of absences) expect(Date.parse(closed[0]?.closedAt ?? 'open')).toBeLessThanOrEqual(down + SLACK_MS);
    // The others go on after the restart (staffed, in a new interval only if the restart outlasted
    // their staleness, as above); W-E is heard of no more.
    await Promise.all([reaches('W-A', 'staffed', 0), reaches('W-D', 'staffed', 0)]);
    expect((await events.presence('W-E')).length).toBe(before + 1);
    expect(inference.output()).not.toMatch(HALL_FAILED);
  });
  it('a hall that keeps failing is named by /api/health; its next holder turns its windows unknown from the first failure', async () => {
    type Health = { status: string; failingHalls: { hallId: string; failures: number; since: string }[] | null; services: unknown };
    // (degraded already: reporting is not running here)
    expect((await api.get<Health>('/api/health')).body).toMatchObject({ failingHalls: [], services: { inference: { status: 'ok' } } });
    // Presence changes can no longer be stored, and the cameras stop (the windows turn unknown):
    // the change stops the hall, and each take-over stops again on it. W-A is staffed first (on a
    // loaded machine it may have gone stale, unknown, meanwhile: then turning staffed is the change).
    const jsm = await events.connection.jetstreamManager();
    const broken = Date.now();
    await jsm.streams.delete(Streams.presence.name);
    await eventually(async () => {
      if (HALL_FAILED.test(inference.output())) return true;
      const live = (await api.get<{ windowId: string; state: string }[]>('/api/windows/live')).body;
      return Array.isArray(live) && live.some((w) => w.windowId === 'W-A' && w.state === 'staffed') ? true : undefined;
    }, 60_000);
    await stopProcess(rtsp);
    const health = await eventually(
      async () => {
        const h = (await api.get<Health>('/api/health')).body;
        return h.failingHalls?.some((f) => f.hallId === 'h1') ? h : undefined;
      },
      // The cameras' offline detection, then three failed take-overs (60-80 s on a quiet machine).
      150_000,
      1000,
    );
    const [failing] = health.failingHalls!;
    expect(failing.failures).toBeGreaterThanOrEqual(3);
    expect(Date.parse(failing.since)).toBeGreaterThanOrEqual(broken);

    // Repaired (inference restarted, which makes the stream again): the next holder publishes W-A unknown from the first failure on at the latest, then judges it again.
    await inference.stop();
    const after = await EventLog.connect(); // reads the presence stream inference creates again at its start
    try {
      rtsp = await startCameras(port);
      inference = await startInference();
      const unknown = await eventually(async () => (await after.presence('W-A')).find((p) => p.state === 'unknown'), 60_000, 1000);
      expect(Date.parse(unknown.since)).toBeLessThanOrEqual(Date.parse(failing.since) + SLACK_MS);
      await eventually(async () => ((await after.presence('W-A')).some((p) => p.state === 'staffed') ? true : undefined), 90_000, 1000);
      expect(inference.output()).toContain('hall h1: stopped');
    } finally {
      await after.close();
    }
  }, 360_000);
});
