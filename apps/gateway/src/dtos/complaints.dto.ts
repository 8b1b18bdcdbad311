import { ApiProperty } from '@nestjs/swagger';
import { IsObject } from 'class-validator';
import { IsRows } from '@hallwatch/contracts';

/** Each row is checked on its own by reporting (ComplaintMessage), so a bad row never sinks the batch. */
export class ComplaintBatchDto {
  @ApiProperty({
    description: 'complaints (ComplaintMessage fields); each row is accepted or rejected with a reason',
    type: 'array',
    items: { type: 'object' },
  })
  @IsRows()
  @IsObject({ each: true })
  complaints: Record<string, unknown>[];
}
