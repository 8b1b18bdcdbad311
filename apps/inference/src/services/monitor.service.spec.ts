import { parseSite } from '@hallwatch/config';
import type { IncidentMessage, PresenceMessage } from '@hallwatch/contracts';
import type { HallMonitorSnapshot, MonitorOutput, StateChange } from '@hallwatch/domain';
import { Fence, Lease, ServiceContext, ServiceMetrics } from '@hallwatch/runtime';
import type { EvidenceRepository } from '../repositories/evidence.repository';
import type { IncidentRepository } from '../repositories/incident.repository';
import { FencedOut, MonitorState, MonitorStateRepository, OutboxEntry, outboxOf } from '../repositories/monitor-state.repository';
import type { FrameSample, NatsRepository } from '../repositories/nats.repository';
import type { PresenceRepository } from '../repositories/presence.repository';
import type { VisionRepository } from '../repositories/vision.repository';
import { HallLeases, MonitorService, WRITE_TIMEOUT_MS } from './monitor.service';
import { LeaveExcuses } from './leave-excuses.service';
import { OutputDelivery } from './output-delivery';
import { SiteHalls } from './site-halls';
import { WindowsService } from './windows.service';

const T0 = Date.parse('2026-11-25T02:00:00Z'); // 10:00 in Asia/Shanghai
const SITE = `
halls:
  - { id: h1, name: 一厅, kind: hall, minStaffedWindows: 0 }
  - { id: h2, name: 二厅, kind: hall, minStaffedWindows: 0 }
cameras:
  - { id: cam-1, hall: h1, rtsp: "rtsp://127.0.0.1:1/a", sampleEverySeconds: 1 }
  - { id: cam-2, hall: h2, rtsp: "rtsp://127.0.0.1:1/b", sampleEverySeconds: 1 }
windows:
  - { id: W01, hall: h1, name: 1号窗口, department: 甲, camera: cam-1, zone: [[0, 0], [1, 0], [1, 1], [0, 1]] }
  - { id: W02, hall: h2, name: 2号窗口, department: 乙, camera: cam-2, zone: [[0, 0], [1, 0], [1, 1], [0, 1]] }
schedules:
  default: { weekdays: [mon, tue, wed, thu, fri, sat, sun], open: ["00:00-24:00"] }
rules: { absenceAfter: 5s, lateAfter: 1h, earlyLeaveBefore: 1h, gapAfter: 1h, confirmSamples: 2, confirmAfter: 1s }
# The frames here are labels, not images (masking: output-delivery.spec.ts).
evidence: { mask: none }
`;
const site = parseSite(SITE);

/** monitor_states in memory, with the real repository's fencing: a greater token wins. */
class MemoryStates {
  readonly docs = new Map<string, MonitorState>();
  writes: { hallId: string; owner: string; token: number }[] = [];
  async load(hallId: string) {
    const doc = this.docs.get(hallId);
    return doc ? structuredClone(doc) : null;
  }
  async claim(hallId: string, fence: Fence) {
    const doc = this.docs.get(hallId);
    if (doc) this.write(doc, fence, false);
  }
  async save(hallId: string, fence: Fence, snapshot: unknown, entry?: OutboxEntry, delivered: readonly string[] = []) {
    const doc = this.docs.get(hallId) ?? { _id: hallId, snapshot: '', savedAt: new Date() };
    this.write(doc, fence);
    doc.snapshot = JSON.stringify(snapshot);
    if (entry) doc.outbox = { ...doc.outbox, [entry.key]: entry };
    for (const key of delivered) delete doc.outbox![key];
    this.docs.set(hallId, doc);
  }
  async failed(hallId: string, at: Date) {
    const doc = this.docs.get(hallId);
    if (doc) doc.failures = { count: (doc.failures?.count ?? 0) + 1, since: doc.failures?.since ?? at };
  }
  async recovered(hallId: string, fence: Fence) {
    const doc = this.docs.get(hallId)!;
    this.write(doc, fence, false);
    delete doc.failures;
  }
  async failing(count: number) {
    return [...this.docs.values()].flatMap((d) => (d.failures && d.failures.count >= count ? [{ hallId: d._id, ...d.failures }] : []));
  }
  private write(doc: MonitorState, fence: Fence, snapshot = true) {
    if ((doc.fence ?? -1) > fence.token) throw new FencedOut(`hall ${doc._id}: token ${fence.token} is older`);
    Object.assign(doc, { owner: fence.owner, fence: fence.token, ...(snapshot && { savedAt: new Date() }) });
    this.writes.push({ hallId: doc._id, ...fence });
  }
}

/**
 * Everything around one MonitorService instance, mocked; `persons` is what the detector sees per
 * camera. Its halls are saved every `stateSaveSeconds` (2 unless given, so tests see saves soon).
 */
function instance(states: MemoryStates, name: string, token: number, siteFile = site, stateSaveSeconds = 2) {
  const published: PresenceMessage[] = [];
  const failed: string[] = [];
  const persons: Record<string, number> = { 'cam-1': 1, 'cam-2': 1 };
  const frames = new Map<string, (frame: FrameSample) => void>();
  const leases = new Map<string, Lease | undefined>();
  const vision = {
    warmUp: jest.fn(async () => undefined),
    forget: jest.fn((_cameraId: string) => undefined),
    analyze: jest.fn(async (cameraId: string, zones: { id: string }[]) =>
      zones.map((z) => ({
        zone: z.id,
        occupied: persons[cameraId] > 0,
        persons: persons[cameraId],
        confidence: 0.9,
        inferred: true,
        judgeable: true,
      })),
    ),
  };
  const nats = {
    ensureStreams: jest.fn(async () => undefined),
    followCameraStatus: jest.fn(async () => ({ stop: () => undefined })),
    followQueue: jest.fn(async () => ({ stop: () => undefined })),
    followAway: jest.fn(async () => ({ stop: () => undefined })),
    subscribeFrames: jest.fn(async (cameras: string[], onFrame: (f: FrameSample) => void) => {
      cameras.forEach((c) => frames.set(c, onFrame));
      return { stop: () => cameras.forEach((c) => frames.delete(c)) };
    }),
    publishPresence: jest.fn(async (m: PresenceMessage) => void published.push(m)),
    publishIncident: jest.fn(async (_m: IncidentMessage) => undefined),
  };
  const presence = { recordChanges: jest.fn(async (_changes: StateChange[]) => undefined) };
  const incidents = { upsert: jest.fn(async () => undefined), openOf: jest.fn(async () => []) };
  const evidence = {
    put: jest.fn(async (_file: { incidentId: string; role: string }, _jpeg: Buffer) => undefined),
    list: jest.fn(async () => new Map()),
  };
  const ctx = { site: siteFile, env: { instance: name, stateSaveSeconds } } as unknown as ServiceContext;
  const halls = new SiteHalls(ctx);
  const delivery = new OutputDelivery(
    halls,
    presence as unknown as PresenceRepository,
    incidents as unknown as IncidentRepository,
    evidence as unknown as EvidenceRepository,
    nats as unknown as NatsRepository,
    { dutyAt: async () => ({}), excuse: async () => undefined } as unknown as LeaveExcuses,
  );
  const metrics = new ServiceMetrics('inference');
  const service = new MonitorService(
    ctx,
    halls,
    vision as unknown as VisionRepository,
    nats as unknown as NatsRepository,
    delivery,
    states as unknown as MonitorStateRepository,
    metrics,
  );
  const hallLeases: HallLeases = { lease: (hallId) => leases.get(hallId), failed: (hallId) => void failed.push(hallId) };
  const take = async (hallId: string) => {
    leases.set(hallId, { owner: name, token, validUntil: Infinity });
    await service.takeHall(hallId);
  };
  /** A frame of `cameraId` captured at `capturedAt`, delivered now. */
  const frame = (cameraId: string, capturedAt: number) =>
    frames.get(cameraId)?.({ cameraId, capturedAt, seq: capturedAt, jpeg: Buffer.from(`jpeg@${capturedAt}`) });
  return {
    service,
    metrics,
    published,
    failed,
    persons,
    leases,
    nats,
    evidence,
    presence,
    vision,
    take,
    frame,
    start: () => service.start(hallLeases),
  };
}

const settle = async () => {
  for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
};
const states = (published: PresenceMessage[], windowId: string) => published.filter((p) => p.windowId === windowId).map((p) => p.state);

describe('MonitorService (repositories mocked)', () => {
  beforeEach(() => jest.useFakeTimers({ now: T0, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] }));
  afterEach(() => jest.useRealTimers());

  /** Frames every second from `from` (seconds after T0) to `to`, from each camera stamped `skew` ms off, with ticks. */
  async function run(i: ReturnType<typeof instance>, from: number, to: number, skew: Record<string, number>) {
    for (let s = from; s <= to; s++) {
      jest.setSystemTime(T0 + s * 1000);
      for (const [cameraId, off] of Object.entries(skew)) i.frame(cameraId, T0 + s * 1000 + off);
      await settle();
      i.service.tick();
      await settle();
    }
  }

  it('judges a camera 5 s behind and refuses a frame stamped 1 h ahead: no hall goes blind, the snapshot keeps no future time', async () => {
    const store = new MemoryStates();
    const a = instance(store, 'a', 1);
    await a.start();
    await a.take('h1');
    await a.take('h2');
    await run(a, 0, 5, { 'cam-1': -5000, 'cam-2': 0 });
    a.frame('cam-2', T0 + 5000 + 3_600_000);
    await run(a, 6, 20, { 'cam-1': -5000, 'cam-2': 0 });
    expect(states(a.published, 'W01')).toEqual(['unknown', 'staffed']);
    expect(states(a.published, 'W02')).toEqual(['unknown', 'staffed']);
    for (const h of ['h1', 'h2']) {
      const snapshot = JSON.parse(store.docs.get(h)!.snapshot) as HallMonitorSnapshot;
      const times = JSON.stringify(snapshot)
        .match(/\d{13}/g)!
        .map(Number);
      expect(Math.max(...times)).toBeLessThanOrEqual(T0 + 20_000);
    }
    expect(a.failed).toEqual([]);
  });

  it('exports per held hall its judged age and each window in exactly one state, and every hall open or not (issue 21)', async () => {
    const a = instance(new MemoryStates(), 'a', 1);
    await a.start();
    await a.take('h1');
    const series = async (name: string) =>
      ((await a.metrics.registry.getSingleMetric(name)!.get()).values as { labels: Record<string, string>; value: number }[]).map((v) => [
        v.labels,
        v.value,
      ]);
    jest.setSystemTime(T0 + 4000);
    // Taken 4 s ago, nothing judged yet; W01 before its first input is unknown.
    expect(await series('hallwatch_hall_judged_age_seconds')).toEqual([[{ hall: 'h1' }, 4]]);
    expect((await series('hallwatch_window_state')).filter(([, v]) => v === 1)).toEqual([[{ window: 'W01', state: 'unknown' }, 1]]);
    await run(a, 5, 10, { 'cam-1': 0 });
    jest.setSystemTime(T0 + 12_000);
    expect(await series('hallwatch_hall_judged_age_seconds')).toEqual([[{ hall: 'h1' }, 2]]);
    expect(await series('hallwatch_frames_judged_total')).toEqual([[{ camera: 'cam-1' }, 6]]);
    const w01 = await series('hallwatch_window_state');
    expect(w01).toHaveLength(4); // staffed, absent, unknown, closed
    expect(w01.filter(([, v]) => v === 1)).toEqual([[{ window: 'W01', state: 'staffed' }, 1]]);
    // Every hall of the site file, held or not; the schedule is open around the clock.
    expect(await series('hallwatch_hall_open')).toEqual([
      [{ hall: 'h1' }, 1],
      [{ hall: 'h2' }, 1],
    ]);
    await a.service.releaseHall('h1', true, 'test');
    expect(await series('hallwatch_hall_judged_age_seconds')).toEqual([]);
  });

  it('keeps a queue session in the saved state, a login stamped ahead of its receipt taken at the receipt', async () => {
    const store = new MemoryStates();
    const a = instance(store, 'a', 1);
    await a.start();
    await a.take('h1');
    await run(a, 0, 10, { 'cam-1': 0 });
    expect(a.nats.followQueue).toHaveBeenCalledWith('W01', undefined, expect.any(Function));
    await a.service.queueEvent({ windowId: 'W01', staffId: 'S001', event: 'login', at: new Date(T0 + 3_600_000).toISOString() });
    await a.service.releaseHall('h1', true, 'restart');
    const snapshot = JSON.parse(store.docs.get('h1')!.snapshot) as HallMonitorSnapshot;
    expect(snapshot.incidents.windows.W01.queue).toMatchObject({
      state: 'open',
      since: T0 + 10_000,
      opener: { staffId: 'S001', event: 'login' },
    });
    // The next owner follows the queue events from the saved state on.
    const b = instance(store, 'b', 2);
    await b.start();
    await b.take('h1');
    expect(b.nats.followQueue).toHaveBeenCalledWith('W01', expect.any(Date), expect.any(Function));
  });

  it('turns a silent hall unknown after a restart with no frames, and never calls that time absent', async () => {
    const store = new MemoryStates();
    const a = instance(store, 'a', 1);
    await a.start();
    await a.take('h1');
    a.persons['cam-1'] = 0;
    await run(a, 0, 10, { 'cam-1': 0 }); // absent from the first frames
    expect(states(a.published, 'W01')).toEqual(['unknown', 'absent']);
    await a.service.releaseHall('h1', true, 'restart');

    jest.setSystemTime(T0 + 60_000); // a restart, and no frame ever after
    const b = instance(store, 'b', 2);
    await b.start();
    await b.take('h1');
    for (let s = 60; s < 75; s++) {
      jest.setSystemTime(T0 + s * 1000);
      b.service.tick();
      await settle();
    }
    expect(b.published).toEqual([
      expect.objectContaining({ windowId: 'W01', state: 'unknown', since: new Date(T0 + 11_000).toISOString() }),
    ]);
    // The absence a saw ends where its frames stopped vouching for it, not at the restart or later.
    expect(b.nats.publishIncident.mock.calls.map(([m]) => [m.kind, m.closedAt])).toEqual([
      ['absence', new Date(T0 + 11_000).toISOString()],
    ]);
  });

  it("keeps a failed hall's undelivered outputs, skips the steps queued behind, and leaves other halls running", async () => {
    const store = new MemoryStates();
    const a = instance(store, 'a', 1);
    await a.start();
    await a.take('h1');
    await a.take('h2');
    // W01's first change cannot be published (NATS away); its publish never comes back.
    a.nats.publishPresence.mockImplementation(async (m: PresenceMessage) => {
      if (m.windowId === 'W01') throw new Error('NATS unreachable');
      a.published.push(m);
    });
    await run(a, 0, 6, { 'cam-1': 0, 'cam-2': 0 });
    expect(a.failed).toEqual(['h1']);
    expect(states(a.published, 'W02')).toEqual(['unknown', 'staffed']);
    const saved = store.docs.get('h1')!;
    const undelivered = outboxOf(saved).map((e) => JSON.parse(e.output).presence.map((p: { state: string }) => p.state));
    expect(undelivered).toEqual([['unknown']]); // not overwritten: nothing ran after the failure

    // The next holder delivers it before anything new.
    const b = instance(store, 'b', 2);
    await b.start();
    await b.take('h1');
    expect(states(b.published, 'W01')[0]).toBe('unknown');
    // Delivered entries leave the saved outbox with the next save, not a write each.
    expect(outboxOf(store.docs.get('h1')!)).toHaveLength(1);
    jest.advanceTimersByTime(2000);
    await settle();
    expect(outboxOf(store.docs.get('h1')!)).toEqual([]);
  });

  it('stops judging a hall whose lease ran out, and a paused holder cannot write over its successor', async () => {
    const store = new MemoryStates();
    const a = instance(store, 'a', 1);
    await a.start();
    await a.take('h1');
    await run(a, 0, 4, { 'cam-1': 0 });
    const before = a.published.length;
    a.leases.set('h1', undefined); // its margin ran out (paused, or NATS unreachable)
    await run(a, 5, 8, { 'cam-1': 0 });
    expect(a.failed).toEqual(['h1']);
    expect(a.published).toHaveLength(before);
    expect(store.writes.filter((w) => w.owner === 'a').every((w) => w.token === 1)).toBe(true);

    const b = instance(store, 'b', 7);
    await b.start();
    await b.take('h1');
    await run(b, 9, 12, { 'cam-1': 0 });
    // a wakes up believing its lease valid: the store refuses its writes.
    const c = instance(store, 'a', 1);
    await c.start();
    await expect(c.take('h1')).rejects.toBeInstanceOf(FencedOut);
    expect(store.docs.get('h1')).toMatchObject({ owner: 'b', fence: 7 });
    const lastA = store.writes.map((w) => w.owner).lastIndexOf('a');
    expect(store.writes.slice(lastA + 1).every((w) => w.owner === 'b')).toBe(true);
  });

  it("stores an incident's evidence frames before the outbox entry naming it, so a crash before delivery loses neither", async () => {
    const store = new MemoryStates();
    const a = instance(store, 'a', 1);
    const order: string[] = [];
    a.evidence.put.mockImplementation(async (file: { incidentId: string; role: string }) => void order.push(`evidence ${file.role}`));
    const save = store.save.bind(store);
    jest.spyOn(store, 'save').mockImplementation(async (hallId, fence, snapshot, entry, delivered) => {
      if (entry && (JSON.parse(entry.output) as MonitorOutput).incidents.length > 0) order.push('outbox incident');
      return save(hallId, fence, snapshot, entry, delivered);
    });
    // The incident's publication fails: a "crashes" with it saved but not delivered.
    a.nats.publishIncident.mockImplementation(async () => {
      throw new Error('NATS unreachable');
    });
    await a.start();
    await a.take('h1');
    await run(a, 0, 2, { 'cam-1': 0 }); // staffed frames: the last one is the evidence of the seat staffed
    a.persons['cam-1'] = 0;
    await run(a, 3, 12, { 'cam-1': 0 });
    expect(order).toEqual(['evidence last-staffed', 'evidence threshold', 'outbox incident']);
    expect(a.failed).toEqual(['h1']);

    const b = instance(store, 'b', 2);
    await b.start();
    await b.take('h1');
    expect(b.nats.publishIncident).toHaveBeenCalledWith(expect.objectContaining({ kind: 'absence', windowId: 'W01' }), {
      owner: 'b',
      token: 2,
    });
    jest.advanceTimersByTime(2000);
    await settle();
    expect(outboxOf(store.docs.get('h1')!)).toEqual([]);
  });
  /** The test site with a second window on h1's camera. */
  const withW03 = () =>
    parseSite(
      SITE.replace(
        /^( {2}- \{ id: W01.*)$/m,
        '$1\n  - { id: W03, hall: h1, name: 3号窗口, department: 甲, camera: cam-1, zone: [[0, 0], [1, 0], [1, 1], [0, 1]] }',
      ),
    );

  /** Instance a judges h1 for 5 s, then hands it over (a restart). */
  async function handedOver() {
    const store = new MemoryStates();
    const a = instance(store, 'a', 1);
    await a.start();
    await a.take('h1');
    await run(a, 0, 5, { 'cam-1': 0 });
    await a.service.releaseHall('h1', true, 'restart');
    return { store, a };
  }

  it('judges a window added to a hall since its state was saved from the restart on, and the hall keeps running', async () => {
    const { store } = await handedOver();

    const b = instance(store, 'b', 2, withW03());
    await b.start();
    await b.take('h1');
    await run(b, 6, 12, { 'cam-1': 0 });
    expect(b.failed).toEqual([]);
    expect(states(b.published, 'W03')).toEqual(['unknown', 'staffed']);
    expect(states(b.published, 'W01')).toEqual([]); // staffed before and after: nothing new
  });

  it('closes out a window removed since the state was saved with a final unknown where its timeline stopped, and its absence', async () => {
    const store = new MemoryStates();
    const a = instance(store, 'a', 1, withW03());
    await a.start();
    await a.take('h1');
    a.persons['cam-1'] = 0;
    await run(a, 0, 9, { 'cam-1': 0 });
    await a.service.releaseHall('h1', true, 'restart');
    expect(states(a.published, 'W03')).toEqual(['unknown', 'absent']);

    const b = instance(store, 'b', 2);
    b.persons['cam-1'] = 0;
    await b.start();
    await b.take('h1');
    await run(b, 10, 14, { 'cam-1': 0 });
    expect(b.failed).toEqual([]);
    expect(b.published).toEqual([expect.objectContaining({ windowId: 'W03', state: 'unknown', since: new Date(T0 + 9000).toISOString() })]);
    // Its absence (open since 0 s) ends at its last frame; W01's goes on.
    expect(b.nats.publishIncident.mock.calls.map(([m]) => [m.kind, m.windowId, m.closedAt])).toEqual([
      ['absence', 'W03', new Date(T0 + 9000).toISOString()],
    ]);
    const snapshot = JSON.parse(store.docs.get('h1')!.snapshot) as HallMonitorSnapshot;
    expect(Object.keys(snapshot.presence.windows)).toEqual(['W01']);
  });

  it('names in each change it records when the state it ends began, after a hand-over too', async () => {
    const { store, a } = await handedOver();
    const b = instance(store, 'b', 2);
    b.persons['cam-1'] = 0;
    await b.start();
    await b.take('h1');
    await run(b, 6, 12, { 'cam-1': 0 });
    const recorded = (i: ReturnType<typeof instance>) =>
      i.presence.recordChanges.mock.calls.flatMap(([changes]) => changes).filter((c) => c.windowId === 'W01');
    const [first, staffed, ...more] = recorded(a);
    expect([first.state, staffed.state, more]).toEqual(['unknown', 'staffed', []]);
    expect(first.previousSince).toBeUndefined(); // its first state: nothing named, every open one before it ends
    expect(staffed.previousSince).toBe(first.since);
    expect(recorded(b)).toEqual([expect.objectContaining({ state: 'absent', previousSince: staffed.since })]);
  });

  it('saves a steady hall at most every HALLWATCH_STATE_SAVE_SECONDS, and every presence change at once', async () => {
    const store = new MemoryStates();
    const a = instance(store, 'a', 1, site, 30);
    await a.start();
    await a.take('h1');
    // Frames every second for 2 minutes: W01 turns staffed once, then nothing changes.
    for (let s = 0; s <= 120; s++) {
      await run(a, s, s, { 'cam-1': 0 });
      jest.advanceTimersByTime(1000); // the periodic save's check runs every second
      await settle();
    }
    const changes = a.published.filter((p) => p.windowId === 'W01').length;
    expect(states(a.published, 'W01')).toEqual(['unknown', 'staffed']);
    const writes = store.writes.filter((w) => w.hallId === 'h1').length;
    // The changes' own writes, and a periodic save at most every 30 s of the 120 (not one per frame or per second).
    expect(writes).toBeGreaterThanOrEqual(changes + 3);
    expect(writes).toBeLessThanOrEqual(changes + 5);
  });

  it('queues one periodic save per hall however long its queue is held up', async () => {
    const store = new MemoryStates();
    const a = instance(store, 'a', 1);
    await a.start();
    await a.take('h1');
    await run(a, 0, 2, { 'cam-1': 0 });
    // An absence's evidence frames are slow to store: the step holds the hall's queue meanwhile.
    const pending: (() => void)[] = [];
    a.evidence.put.mockImplementation(() => new Promise<undefined>((resolve) => pending.push(() => resolve(undefined))));
    a.persons['cam-1'] = 0;
    for (let s = 3; pending.length === 0 && s < 30; s++) await run(a, s, s, { 'cam-1': 0 });
    expect(pending).toHaveLength(1);
    jest.advanceTimersByTime(10_000); // five periodic saves come due
    await settle();
    const before = store.writes.length;
    while (pending.length > 0) {
      pending.shift()!();
      await settle();
    }
    // The step's own write (state and outbox entry), then one periodic save, not five.
    expect(store.writes.length - before).toBe(2);
    expect(a.failed).toEqual([]);
  });

  it("keeps judging a hall's frames while its outbox write is held up; the outputs decided meanwhile share the next write, in order", async () => {
    const store = new MemoryStates();
    const a = instance(store, 'a', 1);
    await a.start();
    await a.take('h1');
    await run(a, 0, 2, { 'cam-1': 0 });
    expect(states(a.published, 'W01')).toEqual(['unknown', 'staffed']);
    // The database takes its time with the next outbox write.
    const held: (() => void)[] = [];
    const entries: MonitorOutput[] = [];
    const save = store.save.bind(store);
    jest.spyOn(store, 'save').mockImplementation(async (hallId, fence, snapshot, entry, delivered) => {
      if (entry) entries.push(JSON.parse(entry.output) as MonitorOutput);
      if (entry && held.length === 0 && entries.length === 1) await new Promise<void>((resolve) => held.push(resolve));
      return save(hallId, fence, snapshot, entry, delivered);
    });
    a.persons['cam-1'] = 0;
    const judgedBefore = a.vision.analyze.mock.calls.length;
    await run(a, 3, 12, { 'cam-1': 0 });
    expect(held).toHaveLength(1); // the absent change's write, still under way
    // Every frame went to the detector meanwhile (none waited for the write).
    expect(a.vision.analyze.mock.calls.length - judgedBefore).toBe(10);
    expect(states(a.published, 'W01')).toEqual(['unknown', 'staffed']);
    held.shift()!();
    await settle();
    // The absence, decided while the first write was held, went out in one more write, after it.
    expect(entries.map((e) => [e.presence.map((p) => p.state), e.incidents.map((i) => i.type)])).toEqual([
      [['absent'], []],
      [[], ['opened']],
    ]);
    expect(states(a.published, 'W01')).toEqual(['unknown', 'staffed', 'absent']);
    expect(a.nats.publishIncident).toHaveBeenCalledWith(expect.objectContaining({ kind: 'absence', windowId: 'W01' }), expect.anything());
    expect(a.failed).toEqual([]);
    // The saved state is the one after both: a successor has nothing to deliver again but what the next save removes.
    const snapshot = JSON.parse(store.docs.get('h1')!.snapshot) as HallMonitorSnapshot;
    expect(JSON.stringify(snapshot)).toContain('absent');
  });

  it('stops a hall whose write never returns after WRITE_TIMEOUT_MS, so it can be taken again and its backlog is not held for ever', async () => {
    const store = new MemoryStates();
    const a = instance(store, 'a', 1);
    await a.start();
    await a.take('h1');
    await a.take('h2');
    await run(a, 0, 2, { 'cam-1': 0, 'cam-2': 0 });
    // h1's next outbox write hangs (a database call that never answers).
    const save = store.save.bind(store);
    let hung = 0;
    jest.spyOn(store, 'save').mockImplementation(async (hallId, fence, snapshot, entry, delivered) => {
      if (hallId === 'h1' && entry && hung++ === 0) return new Promise<void>(() => undefined);
      return save(hallId, fence, snapshot, entry, delivered);
    });
    a.persons['cam-1'] = 0;
    await run(a, 3, 6, { 'cam-1': 0, 'cam-2': 0 });
    expect(hung).toBe(1);
    expect(a.failed).toEqual([]);
    jest.advanceTimersByTime(WRITE_TIMEOUT_MS);
    await settle();
    expect(a.failed).toEqual(['h1']);
    // h2 ran on; h1 is taken again from its saved state and decides the absence anew.
    await a.service.releaseHall('h1', false, 'failed');
    await a.take('h1');
    await run(a, 40, 44, { 'cam-1': 0, 'cam-2': 0 });
    expect(states(a.published, 'W01')).toContain('absent');
    expect(a.failed).toEqual(['h1']);
  });

  it('forgets the cameras of a hall it gave up: taken again, no frame of before is evidence', async () => {
    const store = new MemoryStates();
    const a = instance(store, 'a', 1);
    await a.start();
    await a.take('h1');
    await run(a, 0, 4, { 'cam-1': 0 }); // staffed frames
    a.leases.set('h1', undefined);
    await run(a, 5, 5, { 'cam-1': 0 });
    expect(a.failed).toEqual(['h1']);
    expect(a.vision.forget).toHaveBeenCalledWith('cam-1');

    await a.take('h1');
    a.persons['cam-1'] = 0;
    await run(a, 100, 112, { 'cam-1': 0 });
    const roles = a.evidence.put.mock.calls.map(([file]) => `${file.incidentId.split(':')[0]} ${file.role}`);
    expect(roles).toEqual(['absence threshold']);
  });
  it('counts a hall that keeps failing; its next holder turns its windows unknown from the first failure, and a clean run forgets it', async () => {
    const { store } = await handedOver();
    const health = new WindowsService(
      { site } as unknown as ServiceContext,
      {} as PresenceRepository,
      store as unknown as MonitorStateRepository,
    );

    // NATS refuses every presence change of b: the hall stops, and again each time it is taken.
    const b = instance(store, 'b', 2);
    b.nats.publishPresence.mockImplementation(async () => {
      throw new Error('NATS refuses');
    });
    await b.start();
    await b.take('h1');
    b.persons['cam-1'] = 0;
    await run(b, 6, 9, { 'cam-1': 0 });
    expect(b.failed).toEqual(['h1']);
    const firstFailure = T0 + 7000; // the second empty frame (6 s, 7 s: confirmSamples 2) makes the change that fails
    for (let s = 10; s < 12; s++) {
      jest.setSystemTime(T0 + s * 1000);
      await expect(b.take('h1')).rejects.toThrow('NATS refuses');
    }
    await settle();
    expect(await health.failingHalls()).toEqual([{ hallId: 'h1', failures: 3, since: new Date(firstFailure).toISOString() }]);

    const c = instance(store, 'c', 3);
    await c.start();
    await c.take('h1');
    // b's absent change is delivered, then nothing is carried on from b's first failure.
    expect(c.published.map((p) => [p.state, p.since])).toEqual([
      ['absent', new Date(T0 + 6000).toISOString()],
      ['unknown', new Date(firstFailure).toISOString()],
    ]);
    c.persons['cam-1'] = 1;
    await run(c, 12, 75, { 'cam-1': 0 });
    expect(states(c.published, 'W01')).toEqual(['absent', 'unknown', 'staffed']);
    expect(await health.failingHalls()).toHaveLength(1); // periodic saves not run yet
    jest.advanceTimersByTime(2000); // the next one, over a minute after c took the hall
    await settle();
    expect(await health.failingHalls()).toEqual([]);
  });
});
