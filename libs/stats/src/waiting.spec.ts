import { localHourStart, localHours, waitingHours } from './waiting';

const at = (hhmm: string) => Date.parse(`2024-03-04T${hhmm}:00+08:00`);
const STAND = 5 * 60_000;

describe('waitingHours', () => {
  it('weighs each count by its time and leaves unknown time out (0 for 10 min, 3 for 20 min, unknown 30 min)', () => {
    // Samples every 5 minutes, as inference publishes a steady count at least that often.
    const samples = [
      ...['09:00', '09:05'].map((t) => ({ at: at(t), waiting: 0 })),
      ...['09:10', '09:15', '09:20', '09:25'].map((t) => ({ at: at(t), waiting: 3 })),
      { at: at('09:30'), waiting: null },
    ];
    expect(waitingHours(samples, [at('09:00')], STAND)).toEqual([{ start: at('09:00'), meanWaiting: 2, peakWaiting: 3, knownMinutes: 30 }]);
  });

  it('lets a sample stand at most standMs: silence after it is unknown, not its count carried on', () => {
    const hours = waitingHours([{ at: at('09:50'), waiting: 2 }], [at('09:00'), at('10:00')], STAND);
    expect(hours).toEqual([
      { start: at('09:00'), meanWaiting: 2, peakWaiting: 2, knownMinutes: 5 },
      { start: at('10:00'), meanWaiting: null, peakWaiting: null, knownMinutes: 0 },
    ]);
  });

  it('splits a count standing across an hour boundary, whatever the samples order', () => {
    const samples = [
      { at: at('10:02'), waiting: 1 },
      { at: at('09:58'), waiting: 4 },
    ];
    expect(waitingHours(samples, [at('09:00'), at('10:00')], STAND)).toEqual([
      { start: at('09:00'), meanWaiting: 4, peakWaiting: 4, knownMinutes: 2 },
      // 4 for 2 min, then 1 for 5 min: 13 person-minutes over 7.
      { start: at('10:00'), meanWaiting: 1.86, peakWaiting: 4, knownMinutes: 7 },
    ]);
  });

  it('has no figure for an hour nobody counted', () => {
    expect(waitingHours([], [at('09:00')], STAND)).toEqual([{ start: at('09:00'), meanWaiting: null, peakWaiting: null, knownMinutes: 0 }]);
  });
});

describe('localHours', () => {
  it('gives the 24 local hours of each date', () => {
    const hours = localHours('Asia/Shanghai', '2024-03-04', '2024-03-05');
    expect(hours).toHaveLength(48);
    expect(hours[0]).toBe(at('00:00'));
    expect(hours[9]).toBe(at('09:00'));
  });

  it('holds each instant in the local hour localHourStart gives', () => {
    expect(localHourStart('Asia/Shanghai', at('09:59') + 59_999)).toBe(at('09:00'));
    expect(localHourStart('Asia/Shanghai', at('10:00'))).toBe(at('10:00'));
  });
});
