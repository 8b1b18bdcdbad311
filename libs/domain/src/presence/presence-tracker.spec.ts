import { attendance } from '../intervals/intervals';
import { StateChange, WindowConfig } from '../model';
import { openIntervals } from '../schedule/schedule';
import { PresenceSnapshot, PresenceTracker, PresenceTrackerOptions } from './presence-tracker';
import { presenceIntervals } from './timeline';

/** Shanghai wall-clock time on a date, converted by the JS Date parser. */
const on = (date: string) => (time: string) => Date.parse(`${date}T${time}+08:00`);
const t = on('2024-10-08'); // a Tuesday
const S = 10_000; // sample interval

const window1: WindowConfig = {
  id: 'w1',
  hallId: 'h1',
  cameraId: 'c1',
  schedule: {
    weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'],
    open: ['09:00-12:00', '13:30-17:30'],
    holidays: ['2024-10-01'],
    makeupWorkdays: ['2024-10-12'],
  },
  sampleEveryMs: S,
};

const tracker = (options: Partial<PresenceTrackerOptions> = {}, snapshot?: PresenceSnapshot) =>
  new PresenceTracker({ windows: [window1], ...options }, snapshot);

const ch = (state: StateChange['state'], since: number, at: number, windowId = 'w1'): StateChange => ({
  windowId,
  hallId: 'h1',
  state,
  since,
  at,
});

/** Frames every 10 s from `from` to `to` inclusive, showing `persons`. */
function frames(tr: PresenceTracker, from: number, to: number, persons: number, windowId = 'w1') {
  const out: StateChange[] = [];
  for (let at = from; at <= to; at += S) out.push(...tr.observe(windowId, { at, persons, confidence: 0.9, judgeable: true }));
  return out;
}

describe('PresenceTracker', () => {
  it('starts closed before opening and becomes staffed at the opening when staff arrived early', () => {
    const tr = tracker();
    // 08:59:00, :10, :20 confirm staffed while closed; the 09:00:00 frame crosses the opening.
    expect(frames(tr, t('08:59:00'), t('09:00:30'), 1)).toEqual([
      ch('closed', t('08:59:00'), t('08:59:00')),
      ch('staffed', t('09:00:00'), t('09:00:00')),
    ]);
  });

  describe('hysteresis (3 agreeing frames spanning 20 s)', () => {
    const staffedAt10 = () => {
      const tr = tracker();
      frames(tr, t('09:50:00'), t('09:59:50'), 1);
      return tr;
    };

    it('a single missed detection does not flip staffed to absent', () => {
      const tr = staffedAt10();
      expect(frames(tr, t('10:00:00'), t('10:00:00'), 0)).toEqual([]);
      expect(frames(tr, t('10:00:10'), t('10:05:00'), 1)).toEqual([]);
      expect(tr.view('w1')).toMatchObject({ state: 'staffed', since: t('09:50:00') });
    });

    it('two empty frames are not enough either', () => {
      const tr = staffedAt10();
      expect(frames(tr, t('10:00:00'), t('10:00:10'), 0)).toEqual([]);
      expect(frames(tr, t('10:00:20'), t('10:01:00'), 1)).toEqual([]);
    });

    it('a single spurious person does not flip absent to staffed', () => {
      const tr = staffedAt10();
      frames(tr, t('10:00:00'), t('10:00:20'), 0);
      expect(frames(tr, t('10:00:30'), t('10:00:30'), 1)).toEqual([]);
      expect(frames(tr, t('10:00:40'), t('10:02:00'), 0)).toEqual([]);
    });

    it('three empty frames flip to absent, dated from the first of them', () => {
      const tr = staffedAt10();
      expect(frames(tr, t('10:00:00'), t('10:00:20'), 0)).toEqual([ch('absent', t('10:00:00'), t('10:00:20'))]);
    });

    it('a longer confirmMs needs the agreeing frames to span it', () => {
      const tr = tracker({ hysteresis: { confirmMs: 60_000 } });
      frames(tr, t('09:50:00'), t('09:59:50'), 1);
      // 10:00:00 .. 10:00:50 span 50 s: not yet; 10:01:00 spans 60 s.
      expect(frames(tr, t('10:00:00'), t('10:00:50'), 0)).toEqual([]);
      expect(frames(tr, t('10:01:00'), t('10:01:00'), 0)).toEqual([ch('absent', t('10:00:00'), t('10:01:00'))]);
    });
  });

  it('minStaff 2: one person at a double-duty window is absent, two are staffed', () => {
    const tr = new PresenceTracker({ windows: [{ ...window1, minStaff: 2 }] });
    frames(tr, t('09:50:00'), t('09:59:50'), 2);
    expect(tr.view('w1')?.state).toBe('staffed');
    expect(frames(tr, t('10:00:00'), t('10:04:50'), 1)).toEqual([ch('absent', t('10:00:00'), t('10:00:20'))]);
    expect(frames(tr, t('10:05:00'), t('10:05:20'), 3)).toEqual([ch('staffed', t('10:05:00'), t('10:05:20'))]);
  });

  it('an unjudgeable or low-confidence frame makes the window unknown at once', () => {
    const tr = tracker();
    frames(tr, t('09:50:00'), t('09:59:50'), 0);
    expect(tr.view('w1')?.state).toBe('absent');
    expect(tr.observe('w1', { at: t('10:00:00'), persons: 0, confidence: 0.9, judgeable: false })).toEqual([
      ch('unknown', t('10:00:00'), t('10:00:00')),
    ]);
    // Back to absent only after three agreeing judgeable frames, dated from the first.
    expect(frames(tr, t('10:00:10'), t('10:00:30'), 0)).toEqual([ch('absent', t('10:00:10'), t('10:00:30'))]);
    expect(tr.observe('w1', { at: t('10:00:40'), persons: 0, confidence: 0.3, judgeable: true })).toEqual([
      ch('unknown', t('10:00:40'), t('10:00:40')),
    ]);
  });

  it('stale frames: unknown from one sample after the last frame once 3 intervals pass without one', () => {
    const tr = tracker();
    frames(tr, t('09:50:00'), t('10:00:00'), 1);
    expect(tr.tick(t('10:00:30'))).toEqual([]); // exactly 3 intervals: not yet stale
    expect(tr.tick(t('10:00:31'))).toEqual([ch('unknown', t('10:00:10'), t('10:00:31'))]);
    // Frames resume: three agreeing frames end the unknown period.
    expect(frames(tr, t('10:02:00'), t('10:02:20'), 1)).toEqual([ch('staffed', t('10:02:00'), t('10:02:20'))]);
  });

  it('staleness breaks a run of agreeing frames', () => {
    const tr = tracker();
    frames(tr, t('09:50:00'), t('09:59:50'), 1);
    frames(tr, t('10:00:00'), t('10:00:10'), 0);
    // 5 minutes without frames, then one empty frame: the window went unknown at 10:00:20,
    // and the earlier two empty frames do not count towards absence.
    expect(frames(tr, t('10:05:00'), t('10:05:00'), 0)).toEqual([ch('unknown', t('10:00:20'), t('10:05:00'))]);
    expect(frames(tr, t('10:05:10'), t('10:05:20'), 0)).toEqual([ch('absent', t('10:05:00'), t('10:05:20'))]);
  });

  it('lunch break: closed 12:00-13:30 and reopened as staffed when staff are back in time', () => {
    const tr = tracker();
    frames(tr, t('11:50:00'), t('11:59:50'), 1);
    const changes = [
      ...frames(tr, t('12:00:00'), t('12:00:00'), 1),
      ...frames(tr, t('12:00:10'), t('13:29:30'), 0), // at lunch
      ...frames(tr, t('13:29:40'), t('13:31:00'), 1), // back 20 s before opening
    ];
    expect(changes).toEqual([ch('closed', t('12:00:00'), t('12:00:00')), ch('staffed', t('13:30:00'), t('13:30:00'))]);
  });

  it('schedule boundaries happen on tick without frames', () => {
    const tr = tracker();
    frames(tr, t('17:29:00'), t('17:29:50'), 1);
    // 17:30 closes before the frames go stale (17:29:50 + 30 s = 17:30:20).
    expect(tr.tick(t('17:31:00'))).toEqual([ch('closed', t('17:30:00'), t('17:31:00'))]);
    // Next day: opens at 09:00 with an unknown seat (no frames overnight).
    const next = on('2024-10-09');
    expect(tr.tick(next('09:00:05'))).toEqual([ch('unknown', next('09:00:00'), next('09:00:05'))]);
  });

  it('a holiday on a weekday stays closed all day; a make-up Saturday opens', () => {
    const holiday = on('2024-10-01');
    expect(frames(tracker(), holiday('08:00:00'), holiday('18:00:00'), 0)).toEqual([
      ch('closed', holiday('08:00:00'), holiday('08:00:00')),
    ]);
    const saturday = on('2024-10-12');
    expect(frames(tracker(), saturday('08:59:30'), saturday('09:00:00'), 1)).toEqual([
      ch('closed', saturday('08:59:30'), saturday('08:59:30')),
      ch('staffed', saturday('09:00:00'), saturday('09:00:00')),
    ]);
  });

  it('camera offline: unknown from the outage, frames ignored until back online', () => {
    const tr = tracker();
    frames(tr, t('10:00:00'), t('10:10:00'), 0);
    expect(tr.cameraStatus('c1', { at: t('10:10:05'), online: false, reason: 'rtsp timeout' })).toEqual([
      ch('unknown', t('10:10:05'), t('10:10:05')),
    ]);
    expect(frames(tr, t('10:11:00'), t('10:12:00'), 0)).toEqual([]);
    expect(tr.cameraStatus('c1', { at: t('10:20:00'), online: true })).toEqual([]);
    expect(frames(tr, t('10:20:10'), t('10:20:30'), 0)).toEqual([ch('absent', t('10:20:10'), t('10:20:30'))]);
  });

  it('ignores redelivered and out-of-order inputs', () => {
    const tr = tracker();
    frames(tr, t('09:50:00'), t('09:59:50'), 1);
    const empty = { persons: 0, confidence: 0.9, judgeable: true };
    expect(tr.observe('w1', { at: t('10:00:00'), ...empty })).toEqual([]);
    expect(tr.observe('w1', { at: t('10:00:10'), ...empty })).toEqual([]);
    // A redelivered frame must not count as the third agreeing one, nor an older one.
    expect(tr.observe('w1', { at: t('10:00:10'), ...empty })).toEqual([]);
    expect(tr.observe('w1', { at: t('10:00:05'), ...empty })).toEqual([]);
    expect(tr.observe('w1', { at: t('10:00:20'), ...empty })).toEqual([ch('absent', t('10:00:00'), t('10:00:20'))]);
    expect(tr.observe('w1', { at: t('10:00:20'), ...empty })).toEqual([]);
    expect(tr.cameraStatus('c1', { at: t('10:00:30'), online: false })).toHaveLength(1);
    expect(tr.cameraStatus('c1', { at: t('10:00:30'), online: false })).toEqual([]);
  });

  it('resumes from a JSON snapshot exactly like an uninterrupted run', () => {
    const script = (tr: PresenceTracker, from: number, to: number) => [...frames(tr, from, to, 0), ...tr.tick(to + 60_000)];
    const whole = tracker();
    const first = frames(whole, t('09:50:00'), t('10:00:10'), 1);
    const rest = script(whole, t('10:00:20'), t('10:00:40'));

    const before = tracker();
    expect(frames(before, t('09:50:00'), t('10:00:10'), 1)).toEqual(first);
    const restored = tracker({}, JSON.parse(JSON.stringify(before.snapshot())));
    expect(script(restored, t('10:00:20'), t('10:00:40'))).toEqual(rest);
    expect(rest).toEqual([ch('absent', t('10:00:20'), t('10:00:40')), ch('unknown', t('10:00:50'), t('10:01:40'))]);
  });

  it('rejects unknown windows and invalid configuration', () => {
    expect(() => tracker().observe('w9', { at: 0, persons: 0, confidence: 1, judgeable: true })).toThrow('unknown window w9');
    expect(() => new PresenceTracker({ windows: [{ ...window1, minStaff: 0 }] })).toThrow('minStaff 0');
    expect(() => new PresenceTracker({ windows: [{ ...window1, schedule: { weekdays: ['mon'], open: ['13:30-12:00'] } }] })).toThrow(
      'open[0]: "13:30-12:00" ends before it starts',
    );
  });
});

describe('presenceIntervals + attendance', () => {
  it('reports a morning as staffed, absent and unknown hours', () => {
    const tr = tracker();
    const changes = [
      ...frames(tr, t('08:59:00'), t('10:00:00'), 1), // closed 08:59, staffed 09:00
      ...frames(tr, t('10:00:10'), t('10:30:00'), 0), // absent 10:00:10
      ...tr.cameraStatus('c1', { at: t('10:30:05'), online: false }), // unknown 10:30:05
      ...tr.cameraStatus('c1', { at: t('11:00:00'), online: true }),
      ...frames(tr, t('11:00:10'), t('12:00:00'), 1), // staffed 11:00:10, closed 12:00
    ];
    const range = { start: t('08:00:00'), end: t('13:00:00') };
    const result = attendance({
      scheduled: openIntervals(window1.schedule, 'Asia/Shanghai', range.start, range.end),
      ...presenceIntervals(changes, range),
    });
    expect(result.scheduledMs).toBe(3 * 3_600_000);
    expect(result.staffedMs).toBe(60 * 60_000 + 10_000 + (59 * 60_000 + 50_000)); // 9:00-10:00:10, 11:00:10-12
    expect(result.absentMs).toBe(29 * 60_000 + 55_000); // 10:00:10-10:30:05
    expect(result.unknownMs).toBe(30 * 60_000 + 5_000); // 10:30:05-11:00:10
  });
});
