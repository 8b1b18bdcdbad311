import { reportColumns, WEIGHT_COLUMNS } from '@hallwatch/contracts';
import { DEFAULT_EVALUATION_WEIGHTS, EvaluationWeights } from '@hallwatch/domain';
import {
  EvaluationCounts,
  evaluationInputs,
  evaluationRows,
  evaluationScore,
  emptyEvaluationCounts,
  evaluationGroups,
  groupPlaces,
  ranksWithin,
} from './evaluation';
import { emptyFigures, Figures, StaffFigures, staffFigures, UNASSIGNED } from './figures';
import { WindowInfo } from './report';

const H = 3_600_000;
const MIN = 60_000;

/**
 * One hand-made group: 8 h scheduled, 6 h staffed, 1 h unknown, 40 min of absences; 12 cases,
 * 9 on time; 4 ratings summing to 16, one of them ≤ 2. One confirmed absence incident, one
 * verified complaint, one confirmed queue mismatch.
 */
function figures(extra: Partial<Figures> = {}): Figures {
  return {
    ...emptyFigures(),
    scheduledMs: 8 * H,
    staffedMs: 6 * H,
    unknownMs: 1 * H,
    absences: 2,
    absenceMs: 40 * MIN,
    cases: 12,
    onTime: 9,
    satisfactionSum: 16,
    satisfactionCount: 4,
    lowSatisfaction: 1,
    ...extra,
  };
}
const COUNTS: EvaluationCounts = {
  ...emptyEvaluationCounts(),
  absenceIncidentsConfirmed: 1,
  queueMismatchIncidents: 3,
  queueMismatchesConfirmed: 1,
  verifiedComplaints: 1,
  unverifiedComplaints: 2,
  pendingComplaints: 1,
};
const score = (w: Partial<EvaluationWeights> = {}, f = figures(), counts = COUNTS) =>
  evaluationScore(evaluationInputs(f, counts), { ...DEFAULT_EVALUATION_WEIGHTS, ...w });

describe('evaluationInputs', () => {
  it('shows every input the score uses, rounded as the table shows it', () => {
    expect(evaluationInputs(figures(), COUNTS)).toEqual({
      scheduledHours: 8,
      staffedHours: 6,
      unknownHours: 1,
      excusedAbsenceMinutes: 0,
      unexcusedAbsenceMinutes: 40,
      declaredAwayMinutes: 0,
      attendanceRate: 0.8571, // 6 / (8 − 1)
      casesHandled: 12,
      casesPerStaffedHour: 2, // 12 / 6
      onTimeRate: 0.75, // 9 / 12
      ratings: 4,
      meanSatisfaction: 4, // 16 / 4
      lowSatisfactionShare: 0.25, // 1 / 4
      ...COUNTS,
    });
  });

  it('takes excused absence out of the absence minutes and out of the time judged', () => {
    const f = { ...figures(), excusedAbsenceMs: 30 * MIN } as Figures;
    const inputs = evaluationInputs(f, COUNTS);
    // 6 / (8 − 1 − 0.5) = 0.923077
    expect([inputs.excusedAbsenceMinutes, inputs.unexcusedAbsenceMinutes, inputs.attendanceRate]).toEqual([30, 10, 0.9231]);
  });
});

describe('evaluationScore', () => {
  it('with the default weights: 40 × 0.8571 + 20 × 0.75 + 20 × (4 − 1) / 4 + 20 × min(1, 2 / 4), minus 2 + 5 + 2', () => {
    // 34.284 + 15 + 15 + 10 = 74.284
    expect(score()).toEqual({ baseScore: 74.28, deductions: 9, score: 65.28 });
  });

  it.each<[string, Partial<EvaluationWeights>, number, number]>([
    // The component weights share 100 points: base = 100 × Σ w·x / Σ w.
    ['attendance', { attendance: 50 }, 75.32, 9], // 100 × (42.855 + 15 + 15 + 10) / 110 = 75.3227
    ['onTime', { onTime: 40 }, 74.4, 9], // 100 × (34.284 + 30 + 15 + 10) / 120 = 74.4033
    ['satisfaction', { satisfaction: 5 }, 74.16, 9], // 100 × (34.284 + 15 + 3.75 + 10) / 85 = 74.1576
    ['throughput', { throughput: 40 }, 70.24, 9], // 100 × (34.284 + 15 + 15 + 20) / 120 = 70.2367
    ['throughputTarget', { throughputTarget: 2 }, 84.28, 9], // 2 / 2 = 1: 34.284 + 15 + 15 + 20
    ['absenceIncident', { absenceIncident: 3 }, 74.28, 10], // 3 × 1 + 5 + 2
    ['verifiedComplaint', { verifiedComplaint: 10 }, 74.28, 14], // 2 + 10 × 1 + 2
    ['queueMismatch', { queueMismatch: 0 }, 74.28, 7], // 2 + 5 + 0 × 1
  ])('the weight %s changes the score as documented', (_name, weights, base, deductions) => {
    const s = score(weights);
    expect(s).toEqual({ baseScore: base, deductions, score: Math.round((base - deductions) * 100) / 100 });
    expect(s.score).not.toBe(score().score);
  });

  it('counts only confirmed incidents and verified complaints against the group', () => {
    const counts = { ...emptyEvaluationCounts(), queueMismatchIncidents: 5, unverifiedComplaints: 4, pendingComplaints: 3 };
    expect(score({}, figures(), counts)).toEqual({ baseScore: 74.28, deductions: 0, score: 74.28 });
  });

  it('leaves out what could not be measured; the others share its weight', () => {
    const noCases = figures({ cases: 0, onTime: 0, satisfactionSum: 0, satisfactionCount: 0, lowSatisfaction: 0 });
    // Only attendance is left: 100 × 40 × 0.8571 / 40.
    expect(score({}, noCases)).toEqual({ baseScore: 85.71, deductions: 9, score: 76.71 });
    const nothingJudged = figures({ staffedMs: 0, unknownMs: 8 * H, cases: 0, onTime: 0, satisfactionCount: 0, satisfactionSum: 0 });
    expect(score({}, nothingJudged)).toEqual({ baseScore: null, deductions: 9, score: null });
  });

  it('takes redCard points off per red card, nothing per yellow card', () => {
    // 74.28 as above, less 3 red cards × 3 (the default weight).
    const carded = { ...emptyEvaluationCounts(), yellowCards: 4, redCards: 3 };
    expect(score({}, figures(), carded)).toEqual({ baseScore: 74.28, deductions: 9, score: 65.28 });
    expect(score({ redCard: 10 }, figures(), carded)).toEqual({ baseScore: 74.28, deductions: 30, score: 44.28 });
  });

  it('never goes below 0', () => {
    expect(score({ verifiedComplaint: 100 }).score).toBe(0);
  });
});

describe('ranks and places', () => {
  it('ranks by score within each place, ties sharing a rank; no score or no place, no rank', () => {
    const items = [
      { s: 80, d: 'A' },
      { s: 70, d: 'A' },
      { s: 80, d: 'A' },
      { s: null, d: 'A' },
      { s: 50, d: 'B' },
      { s: 90, d: null },
    ];
    expect(
      ranksWithin(
        items,
        (i) => i.s,
        (i) => i.d,
      ),
    ).toEqual([1, 3, 1, null, 1, null]);
  });

  it('places a group in the department and hall all its windows share', () => {
    const windows = new Map<string, WindowInfo>([
      ['W1', { windowId: 'W1', hallId: 'H1', department: 'tax', township: false }],
      ['W2', { windowId: 'W2', hallId: 'H1', department: 'police', township: false }],
      ['W3', { windowId: 'W3', hallId: 'H2', department: 'tax', township: false }],
    ]);
    const places = groupPlaces(
      [
        ['S1', 'W1'],
        ['S1', 'W2'], // two departments, one hall
        ['S2', 'W3'],
        ['S3', 'W9'], // a window the site file lacks
      ],
      windows,
    );
    expect(Object.fromEntries(places)).toEqual({ S1: { department: null, hall: 'H1' }, S2: { department: 'tax', hall: 'H2' } });
  });

  it('evaluationRows puts inputs, weights, score, coverage and ranks in one row per group, sorted by key', () => {
    const rows = evaluationRows(
      [
        { key: 'W2', place: { department: 'tax', hall: 'H1' }, figures: figures(), counts: emptyEvaluationCounts() },
        { key: 'W1', place: { department: 'tax', hall: 'H1' }, figures: figures(), counts: COUNTS },
      ],
      'window',
      DEFAULT_EVALUATION_WEIGHTS,
    );
    expect(rows.map((r) => [r.window, r.score, r.rankInDepartment, r.rankInHall])).toEqual([
      ['W1', 65.28, 2, 2],
      ['W2', 74.28, 1, 1],
    ]);
    expect(rows[0]).toMatchObject({
      weightAttendance: 40,
      weightOnTime: 20,
      weightSatisfaction: 20,
      weightThroughput: 20,
      throughputTarget: 4,
      deductionPerAbsenceIncident: 2,
      deductionPerVerifiedComplaint: 5,
      deductionPerQueueMismatch: 2,
      deductionPerRedCard: 3,
      rankDepartment: 'tax',
      rankHall: 'H1',
    });
    // Judged 8 h scheduled − 1 h unknown = 7 of 8 h.
    expect(rows[0].coverage).toBe(0.875);
    const unscheduled = { key: 'K', place: { department: null, hall: null }, figures: emptyFigures(), counts: COUNTS };
    expect(evaluationRows([unscheduled], 'window', DEFAULT_EVALUATION_WEIGHTS)[0].coverage).toBeNull();
    // Every figure of a row has its column (shown, or the weights shown once); every column but the derived warning its figure.
    const shown = reportColumns('evaluation', 'window').filter((c) => c.kind !== 'warning');
    expect(Object.keys(rows[0]).sort()).toEqual([...shown, ...WEIGHT_COLUMNS].map((c) => c.key).sort());
  });

  it('evaluationGroups joins figures, incidents by kind and status, complaints by verification and cards by color', () => {
    const windows = new Map<string, WindowInfo>([
      ['W1', { windowId: 'W1', hallId: 'H1', department: 'tax', township: false }],
      ['W2', { windowId: 'W2', hallId: 'H2', department: 'tax', township: false }],
    ]);
    const day = (staff: string): StaffFigures => Object.assign(staffFigures(), { [staff]: figures() });
    const perWindow = new Map([
      ['W1', day('S1')],
      ['W2', Object.assign(day('S2'), { [UNASSIGNED]: emptyFigures() })],
    ]);
    const incidents = new Map([
      [
        'S1',
        {
          byKind: { absence: 3, 'queue-open-seat-empty': 2 },
          byStatus: { confirmed: 2, appealed: 1, closed: 2 },
          confirmedByKind: { absence: 1, 'queue-open-seat-empty': 1 },
        },
      ],
    ]);
    const complaints = [
      { windowId: 'W1', staffId: 'S1', verified: true as const },
      { windowId: 'W1', staffId: 'S1', verified: false as const },
      { windowId: 'W2', staffId: 'S2', verified: 'pending' as const },
      { staffId: 'S9', verified: true as const }, // no window: no place
    ];
    const cards = [
      { windowId: 'W1', staffId: 'S1', color: 'yellow' as const },
      { windowId: 'W1', staffId: 'S1', color: 'red' as const },
      { windowId: 'W2', color: 'red' as const }, // no staff: unassigned
    ];
    const groups = evaluationGroups(perWindow, incidents, complaints, 'staff', windows, cards);
    const byKey = Object.fromEntries(groups.map((g) => [g.key, g]));
    expect(Object.keys(byKey).sort()).toEqual(['S1', 'S2', 'S9', 'unassigned']);
    expect(byKey.S1.counts).toEqual({
      ...emptyEvaluationCounts(),
      absenceIncidentsConfirmed: 1,
      queueMismatchIncidents: 2,
      queueMismatchesConfirmed: 1,
      verifiedComplaints: 1,
      unverifiedComplaints: 1,
      yellowCards: 1,
      redCards: 1,
    });
    expect(byKey.unassigned.counts).toEqual({ ...emptyEvaluationCounts(), redCards: 1 });
    expect(byKey.S1.place).toEqual({ department: 'tax', hall: 'H1' });
    expect(byKey.S2.counts.pendingComplaints).toBe(1);
    expect(byKey.S9).toMatchObject({ place: { department: null, hall: null }, figures: emptyFigures() });
    expect(byKey.S9.counts.verifiedComplaints).toBe(1);
    // By department, both windows are tax: one group across two halls.
    const tax = evaluationGroups(perWindow, new Map(), complaints, 'department', windows).find((g) => g.key === 'tax')!;
    expect([tax.place, tax.figures.cases, tax.counts.verifiedComplaints]).toEqual([{ department: 'tax', hall: null }, 24, 1]);
  });
});
