import { offsetAt } from './time-zone';

const MINUTE = 60_000;

/** The offset as Intl states it for a minute, read independently of the code under test. */
function intlOffset(timeZone: string, at: number): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName')!.value; // "GMT+05:45", "GMT-04:00" or "GMT"
  const m = /GMT([+-])(\d{2}):(\d{2})(?::(\d{2}))?/.exec(name);
  if (!m) return 0;
  const sign = m[1] === '-' ? -1 : 1;
  return sign * (Number(m[2]) * 60 + Number(m[3])) * MINUTE + sign * Number(m[4] ?? 0) * 1000;
}

describe('offsetAt', () => {
  it.each([
    ['Europe/Berlin', '2024-03-31T00:30:00Z'], // spring forward at 01:00Z
    ['Europe/Berlin', '2024-10-27T00:30:00Z'], // fall back at 01:00Z
    ['America/New_York', '2024-11-03T05:30:00Z'], // fall back at 06:00Z
    ['Australia/Lord_Howe', '2024-04-06T14:30:00Z'], // a half-hour change at 15:00Z
    ['Asia/Kathmandu', '1985-12-31T18:00:00Z'], // +5:30 to +5:45 at 18:30Z
    ['Asia/Shanghai', '1900-12-31T15:30:00Z'], // local mean time +8:05:43 until 1901
  ])('%s agrees with Intl minute by minute around %s, asked in any order', (zone, around) => {
    const start = Date.parse(around);
    const minutes = Array.from({ length: 121 }, (_, i) => start + i * MINUTE - 7 * 1000);
    // Backwards then forwards: a cached quarter must not answer for a neighbour.
    for (const at of [...minutes].reverse()) expect([zone, at, offsetAt(zone, at)]).toEqual([zone, at, intlOffset(zone, at)]);
    for (const at of minutes) expect([zone, at, offsetAt(zone, at)]).toEqual([zone, at, intlOffset(zone, at)]);
  });

  it('rejects an unknown time zone', () => {
    expect(() => offsetAt('Mars/Olympus_Mons', 0)).toThrow(RangeError);
  });
});
