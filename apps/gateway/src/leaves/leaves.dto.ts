import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsObject } from 'class-validator';

/** Each row is checked on its own by reporting (LeaveMessage), so a bad row never sinks the batch. */
export class LeaveBatchDto {
  @ApiProperty({
    description:
      'leaves (LeaveMessage fields: id, staffId, kind leave|official-duty|shift-swap, from, to, reason, approvedBy, replacementStaffId?); each row is accepted or rejected with a reason',
    type: 'array',
    items: { type: 'object' },
  })
  @IsArray()
  @ArrayMaxSize(5000)
  @IsObject({ each: true })
  leaves: Record<string, unknown>[];
}
