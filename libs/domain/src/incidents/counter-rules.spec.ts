import { HallMonitor } from '../hall-monitor/hall-monitor';
import { HallConfig, WindowConfig } from '../model';
import { ScheduleSpec } from '../schedule/schedule';
import { IncidentEvent } from './incident';

const t = (time: string) => Date.parse(`2024-10-08T${time}+08:00`); // a Tuesday
const S = 10_000;
const schedule = (): ScheduleSpec => ({
  weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'],
  open: ['09:00-12:00'],
  holidays: [],
  makeupWorkdays: [],
});
const hall: HallConfig = { id: 'h1', minStaffedWindows: 0, schedule: schedule() };
const w1: WindowConfig = { id: 'w1', hallId: 'h1', cameraId: 'c1', schedule: schedule(), sampleEveryMs: S };

/** Persons at the seat and at the counter at a capture time; null: no frame; 'dark': an unjudgeable frame. */
type Script = (at: number) => { seat: number; counter?: number } | null | 'dark';

/** Frames every 10 s from 09:00 to `to` (citizens at the default 60 s rule), with camera statuses at their times. */
function run(script: Script, statuses: { at: number; online: boolean }[] = [], to = t('10:20:00')): IncidentEvent[] {
  const m = new HallMonitor({ hall, windows: [w1] });
  const out: IncidentEvent[] = [];
  const pending = [...statuses];
  for (let at = t('09:00:00'); at <= to; at += S) {
    while (pending.length > 0 && pending[0].at <= at) out.push(...m.cameraStatus('c1', pending.shift()!).incidents);
    const frame = script(at);
    if (frame === null) out.push(...m.tick(at).incidents);
    else if (frame === 'dark') out.push(...m.observe('w1', { at, persons: 0, confidence: 0, judgeable: false, citizens: 0 }).incidents);
    else out.push(...m.observe('w1', { at, persons: frame.seat, confidence: 0.9, judgeable: true, citizens: frame.counter }).incidents);
  }
  return out.filter((e) => e.incident.kind === 'citizen-waiting-seat-empty');
}

const summary = (events: IncidentEvent[]) =>
  events.map((e) => [e.type, e.incident.openedAt, e.incident.detectedAt, e.incident.closedAt, e.incident.evidence.endAt]);
/** The seat is empty from 10:00:00 to 10:14:50. */
const seatAway = (at: number) => (at >= t('10:00:00') && at < t('10:15:00') ? 0 : 1);

describe('citizen-waiting-seat-empty (someone at the counter while the seat is known absent, 60 s)', () => {
  it('opens 60 s after a citizen came to the counter of an empty seat and closes when they leave', () => {
    const citizen = (at: number) => (at >= t('10:03:00') && at < t('10:08:00') ? 2 : 0);
    const events = run((at) => ({ seat: seatAway(at), counter: citizen(at) }));
    expect(summary(events)).toEqual([
      ['opened', t('10:03:00'), t('10:04:00'), undefined, undefined],
      // The last frame with someone there vouches for one sample interval.
      ['closed', t('10:03:00'), t('10:04:00'), t('10:08:00'), t('10:07:50')],
    ]);
    expect(events[0].incident).toMatchObject({
      id: `citizen-waiting-seat-empty:h1:w1:${t('10:03:00')}`,
      windowId: 'w1',
      evidence: { thresholdAt: t('10:04:00'), citizens: 2, lastStaffedAt: t('09:59:50') },
    });
  });

  it('counts from when the seat emptied for citizens already there, and the seat staffed again ends it', () => {
    const events = run((at) => ({ seat: seatAway(at), counter: 1 }));
    expect(summary(events)).toEqual([
      ['opened', t('10:00:00'), t('10:01:00'), undefined, undefined],
      ['closed', t('10:00:00'), t('10:01:00'), t('10:15:00'), t('10:14:50')],
    ]);
  });

  it('a seat staffed between short waits resets the count: nothing opens', () => {
    // The seat is back every other minute for a minute; the counter is never empty.
    const events = run((at) => ({ seat: at >= t('10:00:00') && Math.floor((at - t('10:00:00')) / 60_000) % 2 === 0 ? 0 : 1, counter: 1 }));
    expect(events).toEqual([]);
  });

  it('nothing opens while nobody waits, nor for a window without a counter zone', () => {
    expect(run((at) => ({ seat: seatAway(at), counter: 0 }))).toEqual([]);
    expect(run((at) => ({ seat: seatAway(at) }))).toEqual([]);
  });

  it('unknown time never counts: the camera offline, then its wait starts again with the seat known absent', () => {
    const outage = [
      { at: t('10:00:30'), online: false },
      { at: t('10:10:00'), online: true },
    ];
    const events = run((at) => (at > t('10:00:20') && at < t('10:10:00') ? null : { seat: seatAway(at), counter: 1 }), outage);
    // Before the outage only 30 s were seen; after it the seat is known absent again from its first
    // frame after the status (the frame stamped with the status time itself is not judged).
    expect(summary(events)).toEqual([
      ['opened', t('10:10:10'), t('10:11:10'), undefined, undefined],
      ['closed', t('10:10:10'), t('10:11:10'), t('10:15:00'), t('10:14:50')],
    ]);
  });

  it('an unjudgeable frame breaks the wait: the count starts again after it', () => {
    const events = run((at) => (at === t('10:00:40') ? 'dark' : { seat: seatAway(at), counter: 1 }));
    expect(summary(events).map((e) => e.slice(0, 2))).toEqual([
      ['opened', t('10:00:50')],
      ['closed', t('10:00:50')],
    ]);
  });

  it('a restart mid-wait resumes it from the snapshot (no second incident)', () => {
    const m = new HallMonitor({ hall, windows: [w1] });
    const out: IncidentEvent[] = [];
    const feed = (mon: HallMonitor, from: number, to: number) => {
      for (let at = from; at <= to; at += S)
        out.push(...mon.observe('w1', { at, persons: seatAway(at), confidence: 0.9, judgeable: true, citizens: 1 }).incidents);
    };
    feed(m, t('09:59:00'), t('10:02:00'));
    const resumed = new HallMonitor({ hall, windows: [w1] }, JSON.parse(JSON.stringify(m.snapshot())));
    feed(resumed, t('10:02:10'), t('10:16:00'));
    expect(summary(out.filter((e) => e.incident.kind === 'citizen-waiting-seat-empty'))).toEqual([
      ['opened', t('10:00:00'), t('10:01:00'), undefined, undefined],
      ['closed', t('10:00:00'), t('10:01:00'), t('10:15:00'), t('10:14:50')],
    ]);
  });
});
