import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { LEAVE_ACTIONS, LEAVE_KINDS, LEAVE_STATUSES, type LeaveAction, type LeaveKind, type LeaveStatus } from '@hallwatch/domain';
import { After } from './cases';
import { validateMessage } from './decode';
import { checkedBy, IsId, IsInstant, IsPlainText, IsText, NAME_MAX, IsReason } from './ids';
import { IsWriter, Writer } from './provenance';

export { LEAVE_ACTIONS, LEAVE_KINDS, LEAVE_STATUSES } from '@hallwatch/domain';
export type { LeaveAction, LeaveKind, LeaveStatus } from '@hallwatch/domain';

/**
 * A leave or duty change (请假、公出、调班) as submitted: in POST /api/leaves and imported CSV rows.
 * Who approves it is never taken from the row (an `approvedBy` field is ignored, with a warning):
 * it is the supervisor or admin who signs it off. Registering the same id again with the same
 * fields changes nothing, with other fields is refused.
 */
export class LeaveMessage {
  @IsId() id: string;
  /** The id used in rosters (`S001` in `staff: "张三 (S001)"`). */
  @IsId() staffId: string;
  @IsIn(LEAVE_KINDS) kind: LeaveKind;
  @IsInstant() from: string;
  @IsInstant() @After('from') to: string;
  @IsReason() reason: string;
  /** Takes the staff member's roster slots for the leave's time (the seat is then not excused). */
  @IsOptional() @IsId() replacementStaffId?: string;
}

/** One step in a leave's life: submitted (and, by the bureau, approved at once), approved, rejected or revoked. */
export class LeaveVersion {
  @IsInt() @Min(1) version: number;
  @IsIn(LEAVE_STATUSES) status: LeaveStatus;
  @IsIn(['submitted', ...LEAVE_ACTIONS]) action: 'submitted' | LeaveAction;
  @IsText(NAME_MAX) by: string;
  @IsInstant() at: string;
  @IsOptional() @IsString() @MaxLength(2000) @IsPlainText() reason?: string;
}

/** `@IsLeaveVersion({ each: true })`: each element is a LeaveVersion (checked whole, without class-transformer's metadata). */
const IsLeaveVersion = checkedBy(
  'isLeaveVersion',
  (value) => validateMessage(LeaveVersion, value).ok,
  'must be leave versions {version, status, action, by, at, reason?}',
);

/**
 * A leave as stored by reporting and published on hallwatch.leaves after each version: only an
 * approved one excuses, and only in `halls` (its submitter's; absent: every hall).
 */
export class LeaveRecordMessage extends LeaveMessage {
  @IsIn(LEAVE_STATUSES) status: LeaveStatus;
  @IsInt() @Min(1) version: number;
  @IsOptional() @IsArray() @ArrayMaxSize(500) @IsId({ each: true }) halls?: string[];
  @IsText(NAME_MAX) submittedBy: string;
  @IsInstant() submittedAt: string;
  /** The supervisor or admin who approved it (kept once revoked). */
  @IsOptional() @IsString() @MaxLength(200) @IsPlainText() approvedBy?: string;
  @IsOptional() @IsInstant() approvedAt?: string;
  /** Every version, oldest first. */
  @IsArray() @ArrayMaxSize(100) @IsLeaveVersion({ each: true }) versions: LeaveVersion[];
}

/** Payload of ReportingRequests.decideLeave: the signed-in supervisor or admin approves, rejects or revokes a leave. */
export class LeaveDecisionRequest {
  @IsId() id: string;
  @IsIn(LEAVE_ACTIONS) action: LeaveAction;
  @IsReason() reason: string;
  @IsWriter() by: Writer;
}

/** Payload of ReportingRequests.getLeave / getComplaint; halls: the caller's (a hall manager's), undefined = every hall. */
export class RecordRef {
  @IsId() id: string;
  @IsOptional() @IsArray() @IsId({ each: true }) halls?: string[];
}
