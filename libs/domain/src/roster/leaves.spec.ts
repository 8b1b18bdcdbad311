import { excusedIntervals, excusingLeave, Leave, staffIdOf, staffOnDuty } from './leaves';
import { RosterEntry } from './roster';

const TZ = 'Asia/Shanghai';
const at = (local: string) => Date.parse(`${local}+08:00`);

// 2026-09-29 is a Tuesday.
const roster: RosterEntry[] = [
  { window: 'W01', staff: '张三 (S001)', weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '12:00' },
  { window: 'W01', staff: 'S002', weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '13:30', to: '17:30' },
  { window: 'W02', staff: '赵六（S006）', from: '09:00', to: '17:00' },
  { window: 'W02', staff: '钱七 (S007)', from: '09:00', to: '17:00' },
];

const leave = (id: string, staffId: string, from: string, to: string, replacementStaffId?: string): Leave => ({
  id,
  staffId,
  kind: 'leave',
  from: at(from),
  to: at(to),
  ...(replacementStaffId && { replacementStaffId }),
});

describe('staffIdOf', () => {
  it('takes the id in parentheses (half- or full-width), else the whole entry', () => {
    expect(staffIdOf('张三 (S001)')).toBe('S001');
    expect(staffIdOf('赵六（S006）')).toBe('S006');
    expect(staffIdOf(' S002 ')).toBe('S002');
    expect(staffIdOf('王五 ( S-3:x )')).toBe('S-3:x');
  });
});

describe('staffOnDuty', () => {
  const leaves = [leave('L1', 'S001', '2026-09-29T10:00:00', '2026-09-29T11:00:00', 'S009')];

  it('puts the replacement in the slot only for the time of the leave', () => {
    expect(staffOnDuty(roster, leaves, 'W01', at('2026-09-29T09:59:59'), TZ)).toEqual(['张三 (S001)']);
    expect(staffOnDuty(roster, leaves, 'W01', at('2026-09-29T10:00:00'), TZ)).toEqual(['S009']);
    expect(staffOnDuty(roster, leaves, 'W01', at('2026-09-29T11:00:00'), TZ)).toEqual(['张三 (S001)']);
  });

  it('leaves other windows and staff as rostered', () => {
    expect(staffOnDuty(roster, leaves, 'W01', at('2026-09-29T14:00:00'), TZ)).toEqual(['S002']);
    expect(staffOnDuty(roster, leaves, 'W02', at('2026-09-29T10:30:00'), TZ)).toEqual(['赵六（S006）', '钱七 (S007)']);
  });
});

describe('excusingLeave', () => {
  it('excuses the seat while its only rostered staff is on leave, [from, to)', () => {
    const leaves = [leave('L1', 'S001', '2026-09-29T10:00:00', '2026-09-29T11:00:00')];
    expect(excusingLeave(roster, leaves, 'W01', at('2026-09-29T09:59:00'), TZ)).toBeUndefined();
    expect(excusingLeave(roster, leaves, 'W01', at('2026-09-29T10:00:00'), TZ)?.id).toBe('L1');
    expect(excusingLeave(roster, leaves, 'W01', at('2026-09-29T10:59:59'), TZ)?.id).toBe('L1');
    expect(excusingLeave(roster, leaves, 'W01', at('2026-09-29T11:00:00'), TZ)).toBeUndefined();
  });

  it('does not excuse another staff member rostered on the same window later', () => {
    const leaves = [leave('L1', 'S001', '2026-09-29T08:00:00', '2026-09-29T18:00:00')];
    expect(excusingLeave(roster, leaves, 'W01', at('2026-09-29T14:00:00'), TZ)).toBeUndefined();
  });

  it('does not excuse a seat whose replacement is not on leave', () => {
    const leaves = [leave('L1', 'S001', '2026-09-29T10:00:00', '2026-09-29T11:00:00', 'S009')];
    expect(excusingLeave(roster, leaves, 'W01', at('2026-09-29T10:30:00'), TZ)).toBeUndefined();
    const both = [...leaves, leave('L2', 'S009', '2026-09-29T10:15:00', '2026-09-29T12:00:00')];
    expect(excusingLeave(roster, both, 'W01', at('2026-09-29T10:30:00'), TZ)?.id).toBe('L2');
  });

  it('needs every staff member rostered on the window to be on leave', () => {
    const one = [leave('L6', 'S006', '2026-09-29T09:00:00', '2026-09-29T17:00:00')];
    expect(excusingLeave(roster, one, 'W02', at('2026-09-29T10:00:00'), TZ)).toBeUndefined();
    const both = [...one, leave('L7', 'S007', '2026-09-29T09:30:00', '2026-09-29T17:00:00')];
    expect(excusingLeave(roster, both, 'W02', at('2026-09-29T10:00:00'), TZ)?.id).toBe('L6');
  });

  it('excuses nothing when nobody is rostered', () => {
    const leaves = [leave('L1', 'S001', '2026-09-29T00:00:00', '2026-09-30T00:00:00')];
    expect(excusingLeave(roster, leaves, 'W01', at('2026-09-29T12:30:00'), TZ)).toBeUndefined();
    expect(excusingLeave(roster, leaves, 'W03', at('2026-09-29T10:00:00'), TZ)).toBeUndefined();
  });
});

describe('excusedIntervals', () => {
  const day = { start: at('2026-09-29T00:00:00'), end: at('2026-09-30T00:00:00') };

  it('cuts a day-long leave to the staff member’s own roster slots', () => {
    const leaves = [leave('L1', 'S001', '2026-09-29T00:00:00', '2026-09-30T00:00:00')];
    expect(excusedIntervals(roster, leaves, 'W01', day, TZ)).toEqual([
      { start: at('2026-09-29T09:00:00'), end: at('2026-09-29T12:00:00') },
    ]);
  });

  it('cuts at the leave’s own ends, and joins two leaves covering adjacent parts', () => {
    const leaves = [
      leave('L1', 'S001', '2026-09-29T10:30:00', '2026-09-29T13:00:00'),
      leave('L2', 'S002', '2026-09-29T13:00:00', '2026-09-29T15:00:00'),
    ];
    expect(excusedIntervals(roster, leaves, 'W01', day, TZ)).toEqual([
      { start: at('2026-09-29T10:30:00'), end: at('2026-09-29T12:00:00') },
      { start: at('2026-09-29T13:30:00'), end: at('2026-09-29T15:00:00') },
    ]);
  });

  it('is empty without leaves, with a replacement, or outside the range', () => {
    expect(excusedIntervals(roster, [], 'W01', day, TZ)).toEqual([]);
    expect(excusedIntervals(roster, [leave('L1', 'S001', '2026-09-29T09:00:00', '2026-09-29T12:00:00', 'S009')], 'W01', day, TZ)).toEqual(
      [],
    );
    expect(excusedIntervals(roster, [leave('L1', 'S001', '2026-09-28T09:00:00', '2026-09-28T12:00:00')], 'W01', day, TZ)).toEqual([]);
  });
});
