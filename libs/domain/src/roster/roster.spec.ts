import { RosterEntry, staffIdOf, staffOnRoster, validateRosterEntry } from './roster';

const TZ = 'Asia/Shanghai';
/** Instant of a Shanghai wall-clock time (UTC+8, no DST). */
const at = (local: string) => Date.parse(`${local}+08:00`);

// 2026-09-28 is a Monday, 2026-09-27 a Sunday (a make-up workday in the 2026 calendar).
const roster: RosterEntry[] = [
  { window: 'W01', staff: '张三 (S001)', weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '12:00' },
  { window: 'W01', staff: '李四 (S002)', weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '13:30', to: '17:30' },
  { window: 'W01', staff: '王五 (S003)', dates: ['2026-09-27', '2026-09-28'], from: '09:00', to: '12:00' },
  { window: 'W02', staff: '赵六', from: '08:30', to: '17:30' },
  { window: 'W02', staff: '钱七', from: '08:30', to: '17:30' },
];

describe('staffOnRoster', () => {
  it('finds the recurring slot covering the moment, and nobody in the lunch break or at its end', () => {
    expect(staffOnRoster(roster, 'W01', at('2026-09-29T10:15:00'), TZ)).toEqual(['张三 (S001)']);
    expect(staffOnRoster(roster, 'W01', at('2026-09-29T12:30:00'), TZ)).toEqual([]);
    expect(staffOnRoster(roster, 'W01', at('2026-09-29T13:30:00'), TZ)).toEqual(['李四 (S002)']);
    // Slots are [from, to): at 17:30 the shift is over.
    expect(staffOnRoster(roster, 'W01', at('2026-09-29T17:30:00'), TZ)).toEqual([]);
  });

  it('lets an entry for the date win over the recurring one, only where it covers the moment', () => {
    expect(staffOnRoster(roster, 'W01', at('2026-09-28T09:00:00'), TZ)).toEqual(['王五 (S003)']);
    expect(staffOnRoster(roster, 'W01', at('2026-09-28T14:00:00'), TZ)).toEqual(['李四 (S002)']);
    // A Sunday: only the dated entry applies.
    expect(staffOnRoster(roster, 'W01', at('2026-09-27T11:59:00'), TZ)).toEqual(['王五 (S003)']);
    expect(staffOnRoster(roster, 'W01', at('2026-10-04T11:00:00'), TZ)).toEqual([]);
  });

  it('lists everyone of a double-duty window, every day when no days are given, and nobody for other windows', () => {
    expect(staffOnRoster(roster, 'W02', at('2026-10-04T08:30:00'), TZ)).toEqual(['赵六', '钱七']);
    expect(staffOnRoster(roster, 'W03', at('2026-09-29T10:00:00'), TZ)).toEqual([]);
  });

  it('reads the moment in the given time zone', () => {
    // 02:15 UTC is 10:15 in Shanghai but 04:15 in Berlin (summer time).
    const moment = Date.parse('2026-09-29T02:15:00Z');
    expect(staffOnRoster(roster, 'W01', moment, TZ)).toEqual(['张三 (S001)']);
    expect(staffOnRoster(roster, 'W01', moment, 'Europe/Berlin')).toEqual([]);
  });
});

describe('validateRosterEntry', () => {
  it('accepts a valid entry and names each bad field and value', () => {
    expect(validateRosterEntry(roster[0])).toEqual([]);
    expect(validateRosterEntry({ window: 'W01', staff: 'x', from: '12:00', to: '09:00' })).toEqual([
      'from/to: "12:00-09:00" ends before it starts',
    ]);
    expect(validateRosterEntry({ window: 'W01', staff: 'x', from: '9:00', to: '25:00' })).toEqual([
      'from/to: "9:00-25:00" is not "HH:MM-HH:MM" (00:00 to 24:00)',
    ]);
    expect(
      validateRosterEntry({
        window: 'W01',
        staff: 'x',
        dates: ['2026-02-30'],
        weekdays: ['mon', 'funday' as never],
        from: '09:00',
        to: '24:00',
      }),
    ).toEqual([
      'weekdays[1]: "funday" is not one of sun, mon, tue, wed, thu, fri, sat',
      'dates[0]: "2026-02-30" is not a calendar date "YYYY-MM-DD"',
    ]);
  });
});

describe('staffIdOf', () => {
  it('is the id itself, or the id in brackets after the name', () => {
    expect(staffIdOf('S001')).toBe('S001');
    expect(staffIdOf('张三 (S001)')).toBe('S001');
    expect(staffIdOf('张三（S002）')).toBe('S002');
    expect(staffIdOf(' 李四 ')).toBe('李四');
  });
});
