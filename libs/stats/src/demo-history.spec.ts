import { demoHistory, DemoHistoryInput, seededRandom } from './demo-history';

const MINUTE = 60000;
// November 2026 in Asia/Shanghai: the 1st is a Sunday; 21 weekdays, one of them (Wed 11th) made a holiday here.
const WORKDAYS = [2, 3, 4, 5, 6, 9, 10, 12, 13, 16, 17, 18, 19, 20, 23, 24, 25, 26, 27, 30].map(
  (d) => `2026-11-${String(d).padStart(2, '0')}`,
);
const schedule = { weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'] as const, open: ['09:00-12:00', '13:30-17:30'], holidays: ['2026-11-11'] };
const input: DemoHistoryInput = {
  timeZone: 'Asia/Shanghai',
  windows: [
    { id: 'W1', hallId: 'H1', schedule: { ...schedule, weekdays: [...schedule.weekdays] }, staffId: 'S1', staff: '张三 (S1)' },
    { id: 'W2', hallId: 'H1', schedule: { ...schedule, weekdays: [...schedule.weekdays] }, staffId: 'S2', staff: '李四 (S2)' },
    { id: 'W3', hallId: 'H1', schedule: { ...schedule, weekdays: [...schedule.weekdays] } },
  ],
  from: Date.parse('2026-11-01T00:00:00+08:00'),
  to: Date.parse('2026-12-01T00:00:00+08:00'),
  seed: 42,
  rules: { absenceAfter: 10 * MINUTE, lateAfter: 60 * MINUTE, earlyLeaveBefore: 60 * MINUTE },
};
/** The local date and HH:MM of an instant in UTC+8 (no daylight saving in Shanghai). */
const local = (iso: string) => new Date(Date.parse(iso) + 8 * 60 * MINUTE).toISOString().slice(0, 16).split('T');
/** Each open interval of a workday, as [start, end] instants. */
const openOf = (date: string) =>
  [
    ['09:00', '12:00'],
    ['13:30', '17:30'],
  ].map(([a, b]) => [Date.parse(`${date}T${a}:00+08:00`), Date.parse(`${date}T${b}:00+08:00`)]);

describe('the demo history', () => {
  const history = demoHistory(input);

  it('is the same for the same input and another for another seed', () => {
    expect(demoHistory(input)).toEqual(history);
    expect(demoHistory({ ...input, seed: 43 }).presence).not.toEqual(history.presence);
    const a = seededRandom(1);
    const b = seededRandom(1);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });

  it('has presence only on the open days, inside the open hours, each interval ending closed', () => {
    for (const w of input.windows) {
      const changes = history.presence.filter((p) => p.windowId === w.id);
      expect([...new Set(changes.map((c) => local(c.since)[0]))]).toEqual(WORKDAYS);
      for (const date of WORKDAYS)
        for (const [start, end] of openOf(date)) {
          const inside = changes.filter((c) => Date.parse(c.since) >= start && Date.parse(c.since) <= end);
          expect(inside[0].since).toBe(new Date(start).toISOString()); // a change at every opening
          expect(inside[inside.length - 1]).toMatchObject({ state: 'closed', since: new Date(end).toISOString() });
          expect(inside.slice(0, -1).every((c) => c.state !== 'closed')).toBe(true);
        }
      const sinces = changes.map((c) => Date.parse(c.since));
      expect(sinces.every((s, i) => i === 0 || s > sinces[i - 1])).toBe(true);
    }
  });

  it('handles every case while its window is staffed, most rated, some past the deadline', () => {
    const staffed = (windowId: string) => {
      const changes = history.presence.filter((p) => p.windowId === windowId);
      return changes.flatMap((c, i) => (c.state === 'staffed' ? [[Date.parse(c.since), Date.parse(changes[i + 1].since)]] : []));
    };
    const byWindow = new Map(input.windows.map((w) => [w.id, staffed(w.id)]));
    expect(history.cases.length).toBeGreaterThan(input.windows.length * WORKDAYS.length * 10);
    for (const c of history.cases) {
      const [called, finished] = [Date.parse(c.calledAt!), Date.parse(c.finishedAt!)];
      expect(byWindow.get(c.windowId)!.some(([s, e]) => s <= called && finished <= e)).toBe(true);
    }
    const rated = history.cases.filter((c) => c.satisfaction !== undefined).length / history.cases.length;
    expect(rated).toBeGreaterThan(0.6);
    expect(rated).toBeLessThan(0.95);
    expect(history.cases.some((c) => Date.parse(c.finishedAt!) > Date.parse(c.deadline))).toBe(true);
    expect(new Set(history.cases.map((c) => c.caseId)).size).toBe(history.cases.length);
    expect(history.cases.filter((c) => c.windowId === 'W3').every((c) => c.staffId === undefined)).toBe(true);
  });

  it('opens the incidents the rules make of its absences, reviews most of them, excuses those on leave', () => {
    expect(history.incidents.length).toBeGreaterThan(20);
    for (const { closed, reviewed } of history.incidents) {
      const ms = Date.parse(closed.closedAt!) - Date.parse(closed.openedAt);
      expect(closed.durationMs).toBe(ms);
      if (closed.kind === 'absence') expect(ms).toBeGreaterThanOrEqual(input.rules.absenceAfter);
      else expect(ms).toBeGreaterThanOrEqual(input.rules.lateAfter); // late-opening, early-leave: both 60 min here
      // The window was absent from the incident's opening (a change at that instant).
      expect(history.presence).toContainEqual(
        expect.objectContaining({ windowId: closed.windowId, state: 'absent', since: closed.openedAt }),
      );
      if (reviewed) expect(Date.parse(reviewed.reviewedAt)).toBeLessThan(input.to);
    }
    const reviews = history.incidents.filter((i) => i.reviewed).map((i) => i.reviewed!.review);
    expect(reviews).toContain('confirmed');
    expect(reviews).toContain('dismissed');
    expect(reviews.length).toBeLessThan(history.incidents.length);
  });

  it('takes two whole-day leaves of rostered staff, the window empty and its incidents excused that day', () => {
    expect(history.leaves).toHaveLength(2);
    for (const leave of history.leaves) {
      const w = input.windows.find((x) => x.staffId === leave.staffId)!;
      const [date, hhmm] = local(leave.from);
      expect(hhmm).toBe('00:00');
      expect(Date.parse(leave.to) - Date.parse(leave.from)).toBe(24 * 60 * MINUTE);
      const day = history.presence.filter((p) => p.windowId === w.id && local(p.since)[0] === date);
      expect(day.map((p) => p.state)).toEqual(['absent', 'closed', 'absent', 'closed']);
      const excused = history.incidents.filter((i) => i.closed.leaveId === leave.id);
      expect(excused.map((i) => local(i.closed.openedAt))).toEqual([
        [date, '09:00'],
        [date, '13:30'],
      ]);
      expect(excused.every((i) => !i.reviewed)).toBe(true);
    }
  });

  it('has a few complaints of rostered windows, verified, unfounded and pending', () => {
    expect(history.complaints.map((c) => c.verified)).toEqual([true, false, 'pending', true, false]);
    for (const c of history.complaints) {
      expect(['W1', 'W2']).toContain(c.windowId);
      expect(WORKDAYS).toContain(local(c.receivedAt)[0]);
    }
  });
});
