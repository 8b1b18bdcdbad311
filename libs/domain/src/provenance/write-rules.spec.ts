import { leavesInHall } from '../roster/leaves';
import {
  caseChangeRefusal,
  complaintChangeRefusal,
  LEAVE_ACTIONS,
  LEAVE_STATUSES,
  leaveSubmitRefusal,
  leaveTransition,
  submittedLeaveStatus,
  WriterRole,
} from './write-rules';

describe('leaves: who submits and who decides', () => {
  it('approves a leave the bureau submits at once; a hall manager’s waits', () => {
    expect(submittedLeaveStatus('admin')).toBe('approved');
    expect(submittedLeaveStatus('supervisor')).toBe('approved');
    expect(submittedLeaveStatus('hall_manager')).toBe('pending');
  });

  it('lets hall managers and the bureau submit, nobody else', () => {
    for (const role of ['admin', 'supervisor', 'hall_manager'] as WriterRole[]) expect(leaveSubmitRefusal(role)).toBeUndefined();
    expect(leaveSubmitRefusal('evaluator')).toMatch(/evaluator may not submit leaves/);
  });

  it('moves pending to approved or rejected and approved to revoked, nothing else', () => {
    const allowed: Record<string, string> = {
      'pending approve': 'approved',
      'pending reject': 'rejected',
      'approved revoke': 'revoked',
    };
    for (const role of ['admin', 'supervisor'] as WriterRole[])
      for (const status of LEAVE_STATUSES)
        for (const action of LEAVE_ACTIONS) {
          const d = leaveTransition(role, status, action);
          const to = allowed[`${status} ${action}`];
          if (to) expect(d).toEqual({ ok: true, value: to });
          else expect(d).toEqual({ ok: false, code: 409, reason: expect.stringContaining(`the leave is ${status}`) });
        }
  });

  it('refuses a hall manager, an evaluator or a system any decision with 403', () => {
    for (const role of ['hall_manager', 'evaluator', 'system'] as WriterRole[])
      for (const action of LEAVE_ACTIONS)
        expect(leaveTransition(role, 'pending', action)).toEqual({
          ok: false,
          code: 403,
          reason: `only a supervisor or admin may ${action} a leave`,
        });
  });

  it('counts a leave only in the halls of its submitter (no halls: every hall)', () => {
    const leaves = [{ id: 'a', halls: ['h1'] }, { id: 'b' }, { id: 'c', halls: ['h2', 'h3'] }];
    expect(leavesInHall(leaves, 'h1').map((l) => l.id)).toEqual(['a', 'b']);
    expect(leavesInHall(leaves, 'h3').map((l) => l.id)).toEqual(['b', 'c']);
  });
});

describe('complaints: only the bureau verifies', () => {
  it('lets the bureau and the system set and change any verification', () => {
    for (const role of ['admin', 'supervisor', 'system'] as WriterRole[]) {
      expect(complaintChangeRefusal(role, undefined, { verified: true })).toBeUndefined();
      expect(complaintChangeRefusal(role, { verified: true }, { verified: false })).toBeUndefined();
    }
  });

  it('lets a hall manager submit and correct pending complaints only', () => {
    expect(complaintChangeRefusal('hall_manager', undefined, { verified: 'pending' })).toBeUndefined();
    expect(complaintChangeRefusal('hall_manager', { verified: 'pending' }, { verified: 'pending' })).toBeUndefined();
    expect(complaintChangeRefusal('hall_manager', undefined, { verified: true })).toMatch(/only a supervisor or admin sets/);
    expect(complaintChangeRefusal('hall_manager', { verified: 'pending' }, { verified: false })).toMatch(/only a supervisor or admin sets/);
  });

  it('refuses a hall manager any change to a complaint the bureau verified, naming the verification', () => {
    expect(complaintChangeRefusal('hall_manager', { verified: true }, { verified: false })).toBe(
      'verified: the complaint is verified true by the bureau; only a supervisor or admin may change it',
    );
    expect(complaintChangeRefusal('hall_manager', { verified: false }, { verified: false })).toMatch(/verified false by the bureau/);
    expect(complaintChangeRefusal('evaluator', undefined, { verified: 'pending' })).toMatch(/evaluator may not submit complaints/);
  });
});

describe('cases: a stored case changes only by admin or the queue system', () => {
  it('allows admin and the system, refuses everyone else', () => {
    expect(caseChangeRefusal('admin')).toBeUndefined();
    expect(caseChangeRefusal('system')).toBeUndefined();
    for (const role of ['hall_manager', 'supervisor', 'evaluator'] as WriterRole[])
      expect(caseChangeRefusal(role)).toMatch(/only by a new version from an admin or the queue system/);
  });
});
