import type { IncidentMessage } from './api';
import { statusAfter } from './live';

const opened: IncidentMessage = { id: 'i-1', kind: 'absence', hallId: 'h1', windowId: 'W01', openedAt: '2026-11-24T01:00:00Z' };
const closedAt = '2026-11-24T01:30:00Z';

describe('the board keeps an incident while its pushed events leave it open', () => {
  it('takes each event for what it is: an excuse or a review of an open incident takes it off', () => {
    expect(statusAfter({ type: 'incident.opened', data: opened })).toBe('open');
    expect(statusAfter({ type: 'incident.opened', data: { ...opened, leaveId: 'L1' } })).toBe('excused');
    expect(statusAfter({ type: 'incident.closed', data: { ...opened, closedAt } })).toBe('closed');
    expect(statusAfter({ type: 'incident.excused', data: { ...opened, leaveId: 'L1' } })).toBe('excused');
    expect(statusAfter({ type: 'incident.reviewed', data: { ...opened, review: 'confirmed', reviewedAt: closedAt } })).toBe('confirmed');
    expect(statusAfter({ type: 'incident.unexcused', data: { ...opened, revokedLeaveId: 'L1' } })).toBe('open');
    expect(statusAfter({ type: 'incident.unexcused', data: { ...opened, leaveId: 'L2', revokedLeaveId: 'L1' } })).toBe('excused');
  });
});
