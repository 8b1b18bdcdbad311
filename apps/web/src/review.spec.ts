import type { Incident } from './api';
import { apiDecision, appealable, appealOf, decidable, reviewAction } from './review';

const entry = (action: string, by: string, reason?: string) => ({ action, by, at: '2026-03-02T08:00:00Z', reason });

describe('what the review buttons send', () => {
  it("decides an appeal with the API's own decisions: 维持原判 confirms the incident, 撤销 dismisses it", () => {
    expect(reviewAction('confirmed', 'appealed')).toBe('uphold');
    expect(reviewAction('dismissed', 'appealed')).toBe('reverse');
    expect(apiDecision('uphold')).toBe('confirmed');
    expect(apiDecision('reverse')).toBe('dismissed');
    // Without an appeal, C and D are what they say.
    expect(reviewAction('confirmed', 'closed')).toBe('confirm');
    expect(reviewAction('dismissed', 'open')).toBe('dismiss');
    expect(apiDecision('confirm')).toBe('confirmed');
    expect(apiDecision('dismiss')).toBe('dismissed');
    expect(reviewAction('appeal', 'confirmed')).toBe('appeal');
  });

  it('offers nothing to decide or appeal on a camera outage', () => {
    const outage = { kind: 'camera-offline', status: 'closed', final: false } as const;
    expect(decidable(outage)).toBe(false);
    expect(appealable(outage)).toBe(false);
    expect(decidable({ ...outage, kind: 'absence' })).toBe(true);
    expect(decidable({ kind: 'absence', status: 'appealed', final: false })).toBe(true);
    expect(decidable({ kind: 'absence', status: 'confirmed', final: false })).toBe(false);
    expect(appealable({ kind: 'absence', status: 'confirmed', final: false })).toBe(true);
    expect(appealable({ kind: 'absence', status: 'confirmed', final: true })).toBe(false);
  });
});

describe("an incident's appeal", () => {
  it('is the last one, with the decision it is against and the one that decided it', () => {
    const audit: Incident['audit'] = [
      entry('confirmed', 'supervisor-li', '核实离岗'),
      entry('evidence-viewed', 'manager-h1'),
      entry('appealed', 'manager-h1', '有值班记录'),
    ];
    expect(appealOf(audit)).toEqual({ appeal: audit[2], against: audit[0], decision: undefined });
    const decided = [...audit, entry('confirmed', 'supervisor', '申诉理由不成立')];
    expect(appealOf(decided)?.decision).toBe(decided[3]);
    // An appeal of an incident nobody had reviewed is against the system's finding.
    expect(appealOf([entry('appealed', 'manager-h1', '因公外出')])?.against).toBeUndefined();
    expect(appealOf([entry('confirmed', 'supervisor')])).toBeUndefined();
  });
});
