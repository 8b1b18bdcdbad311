import { StoredOpenIncident, UNHELD_CLOSE_REASON, unheldCloses } from './unheld';

const at = (hhmm: string) => Date.parse(`2024-03-04T${hhmm}:00+08:00`);
const stored = (id: string, openedAt: string, evidenceAt: string[] = []): StoredOpenIncident => ({
  id,
  openedAt: at(openedAt),
  evidenceAt: evidenceAt.map(at),
});

describe('unheldCloses: stored open incidents the hall state does not hold open', () => {
  it('closes only those the rules do not hold, with the reason for the audit entry', () => {
    const closes = unheldCloses([stored('a', '10:00'), stored('b', '10:05')], new Set(['a']));
    expect(closes).toEqual([{ id: 'b', closedAt: at('10:05'), reason: UNHELD_CLOSE_REASON }]);
  });

  it('closes at its latest evidence frame when its record has one, never before its opening', () => {
    // Last staffed at 09:59 (before the opening), threshold frame at 10:10.
    expect(unheldCloses([stored('a', '10:00', ['09:59', '10:10'])], new Set())).toMatchObject([{ closedAt: at('10:10') }]);
    expect(unheldCloses([stored('a', '10:00', ['09:59'])], new Set())).toMatchObject([{ closedAt: at('10:00') }]);
  });

  it('closes nothing when the rules hold every one, or nothing is open', () => {
    expect(unheldCloses([stored('a', '10:00')], new Set(['a', 'b']))).toEqual([]);
    expect(unheldCloses([], new Set(['a']))).toEqual([]);
  });
});
