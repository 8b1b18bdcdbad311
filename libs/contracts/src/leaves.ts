import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { LEAVE_KINDS, type LeaveKind } from '@hallwatch/domain';
import { After } from './cases';
import { IsId, IsInstant, IsPlainText } from './ids';

export { LEAVE_KINDS } from '@hallwatch/domain';
export type { LeaveKind } from '@hallwatch/domain';

/**
 * An approved leave or duty change (请假、公出、调班): in POST /api/leaves, imported CSV rows and
 * on hallwatch.leaves. Leaves are never changed: registering the same id again with the same
 * fields changes nothing, with other fields is refused.
 */
export class LeaveMessage {
  @IsId() id: string;
  /** The id used in rosters (`S001` in `staff: "张三 (S001)"`). */
  @IsId() staffId: string;
  @IsIn(LEAVE_KINDS) kind: LeaveKind;
  @IsInstant() from: string;
  @IsInstant() @After('from') to: string;
  @IsString() @MinLength(1) @MaxLength(2000) @IsPlainText() reason: string;
  @IsString() @MinLength(1) @MaxLength(200) @IsPlainText() approvedBy: string;
  /** Takes the staff member's roster slots for the leave's time (the seat is then not excused). */
  @IsOptional() @IsId() replacementStaffId?: string;
}
