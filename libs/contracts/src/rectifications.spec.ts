import { validateMessage } from './decode';
import { RectificationRecord, rectificationSteps, RectificationStepMessage } from './rectifications';
import { Subjects } from './subjects';

const order: RectificationRecord = {
  id: 'rating:K1',
  source: { kind: 'case', id: 'K1' },
  to: { window: 'W1' },
  halls: ['H1'],
  dueWorkingDays: 1,
  instructions: '回访',
  state: 'overdue',
  tier: 'yellow',
  issuedBy: 'reporting',
  issuedAt: '2026-11-24T09:00:00.000Z',
  dueAt: '2026-11-25T09:00:00.000Z',
  redAt: '2026-11-26T09:00:00.000Z',
  // Two writes: issued, then the check's overdue and escalated in one.
  version: 2,
  history: [
    { action: 'issued', by: 'reporting', at: '2026-11-24T09:00:00.000Z', state: 'issued', tier: 'blue', reason: '回访' },
    { action: 'overdue', by: 'reporting', at: '2026-11-25T09:00:01.000Z', state: 'overdue', tier: 'yellow' },
    { action: 'escalated', by: 'reporting', at: '2026-11-25T09:00:01.000Z', state: 'overdue', tier: 'yellow' },
  ],
};

describe('rectificationSteps', () => {
  it('numbers every step of the history, each a valid message', () => {
    const steps = rectificationSteps(order);
    expect(steps.map((s) => [s.step, s.action])).toEqual([
      [1, 'issued'],
      [2, 'overdue'],
      [3, 'escalated'],
    ]);
    expect(steps[0]).toEqual({
      orderId: 'rating:K1',
      step: 1,
      action: 'issued',
      by: 'reporting',
      at: '2026-11-24T09:00:00.000Z',
      state: 'issued',
      tier: 'blue',
      source: { kind: 'case', id: 'K1' },
      halls: ['H1'],
      dueAt: '2026-11-25T09:00:00.000Z',
      reason: '回访',
    });
    for (const s of steps) expect(validateMessage(RectificationStepMessage, s)).toMatchObject({ ok: true });
  });

  it('gives only the steps after those already known: both of a write that appended two', () => {
    expect(rectificationSteps(order, 1).map((s) => s.step)).toEqual([2, 3]);
    expect(rectificationSteps(order, 3)).toEqual([]);
  });

  it('names the order and the step in its subject', () => {
    expect(Subjects.rectification('rating:K1', 'overdue')).toBe('hallwatch.rectification.rating:K1.overdue');
  });
});
