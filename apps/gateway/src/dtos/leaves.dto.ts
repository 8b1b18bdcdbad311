import { ApiProperty, PickType } from '@nestjs/swagger';
import { IsObject } from 'class-validator';
import { IsRows, LeaveDecisionRequest, RecordRef } from '@hallwatch/contracts';

/** Each row is checked on its own by reporting (LeaveMessage), so a bad row never sinks the batch. */
export class LeaveBatchDto {
  @ApiProperty({
    description:
      'leaves (LeaveMessage fields: id, staffId, kind leave|official-duty|shift-swap, from, to, reason, replacementStaffId?); each row is accepted or rejected with a reason. A supervisor’s or admin’s leaves are approved by them at once, a hall manager’s are pending until one approves them; an approvedBy field is ignored, with a warning',
    type: 'array',
    items: { type: 'object' },
  })
  @IsRows()
  @IsObject({ each: true })
  leaves: Record<string, unknown>[];
}

/** The id of a stored record (a leave, a complaint) in a path. */
export class RecordParamsDto extends PickType(RecordRef, ['id']) {
  @ApiProperty()
  id: string;
}

export class LeaveDecisionDto extends PickType(LeaveDecisionRequest, ['reason']) {
  @ApiProperty({ description: 'why the leave is approved, rejected or revoked (kept in its versions)' })
  reason: string;
}
