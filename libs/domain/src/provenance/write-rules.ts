/**
 * Who may write what in the record the bureau defends: leaves, complaints and cases. Pure rules;
 * the services apply them to the signed-in user (or the system) that submits the write.
 */

/** A writer: a signed-in user's role, or `system` for a system writing on its own (hallwatch.cases, the CLI import). */
export type WriterRole = 'admin' | 'supervisor' | 'evaluator' | 'hall_manager' | 'system';

/** The supervision bureau: it decides on leaves, verifies complaints. */
export const BUREAU_ROLES: readonly WriterRole[] = ['admin', 'supervisor'];
const isBureau = (role: WriterRole) => BUREAU_ROLES.includes(role);

/** A leave excuses nothing until a supervisor or admin approves it; a revoked one excuses nothing again. */
export const LEAVE_STATUSES = ['pending', 'approved', 'rejected', 'revoked'] as const;
export type LeaveStatus = (typeof LEAVE_STATUSES)[number];
export const LEAVE_ACTIONS = ['approve', 'reject', 'revoke'] as const;
export type LeaveAction = (typeof LEAVE_ACTIONS)[number];

/** The status a submitted leave starts in: the bureau's are approved by their submitter at once, a hall manager's wait. */
export function submittedLeaveStatus(role: WriterRole): LeaveStatus {
  return isBureau(role) ? 'approved' : 'pending';
}

/** Why a leave may not be submitted by `role` (undefined: it may). */
export function leaveSubmitRefusal(role: WriterRole): string | undefined {
  return isBureau(role) || role === 'hall_manager' ? undefined : `a ${role} may not submit leaves`;
}

/** What `action` on a leave in `status` leads to. */
const LEAVE_TRANSITIONS: Record<LeaveAction, { from: LeaveStatus; to: LeaveStatus }> = {
  approve: { from: 'pending', to: 'approved' },
  reject: { from: 'pending', to: 'rejected' },
  revoke: { from: 'approved', to: 'revoked' },
};

export type Decision<T> = { ok: true; value: T } | { ok: false; code: 403 | 409; reason: string };

/**
 * The status `action` by `role` moves a leave in `status` to, or why not: 403 when the role may
 * not decide on leaves, 409 when the leave's status does not allow the action.
 */
export function leaveTransition(role: WriterRole, status: LeaveStatus, action: LeaveAction): Decision<LeaveStatus> {
  if (!isBureau(role)) return { ok: false, code: 403, reason: `only a supervisor or admin may ${action} a leave` };
  const { from, to } = LEAVE_TRANSITIONS[action];
  if (status !== from) return { ok: false, code: 409, reason: `the leave is ${status}: only a ${from} leave can be ${to}` };
  return { ok: true, value: to };
}

export type ComplaintVerification = boolean | 'pending';

/**
 * Why `role` may not store a complaint verified `next` where `stored` is what is stored now
 * (undefined: nothing stored). Only the bureau sets or changes a verification; a hall manager
 * submits complaints as "pending" and changes none the bureau has verified.
 */
export function complaintChangeRefusal(
  role: WriterRole,
  stored: { verified: ComplaintVerification } | undefined,
  next: { verified: ComplaintVerification },
): string | undefined {
  if (isBureau(role) || role === 'system') return undefined;
  if (role !== 'hall_manager') return `a ${role} may not submit complaints`;
  if (stored && stored.verified !== 'pending')
    return `verified: the complaint is verified ${String(stored.verified)} by the bureau; only a supervisor or admin may change it`;
  if (next.verified !== 'pending')
    return 'verified: only a supervisor or admin sets a complaint\'s verification; a hall manager submits it as "pending"';
  return undefined;
}

/** Why `role` may not replace a stored case by a new version (undefined: it may): once stored, only admin or the queue system changes it. */
export function caseChangeRefusal(role: WriterRole): string | undefined {
  return role === 'admin' || role === 'system'
    ? undefined
    : 'a stored case changes only by a new version from an admin or the queue system';
}
