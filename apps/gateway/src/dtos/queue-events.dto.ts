import { ApiProperty } from '@nestjs/swagger';
import { IsObject } from 'class-validator';
import { IsRows } from '@hallwatch/contracts';

/** Each row is checked on its own (QueueEventMessage), so a bad row never sinks the batch. */
export class QueueEventBatchDto {
  @ApiProperty({
    description: 'queue events {windowId, staffId, event: login|pause|resume|logout, at}; each row is accepted or rejected with a reason',
    type: 'array',
    items: { type: 'object' },
  })
  @IsRows()
  @IsObject({ each: true })
  events: Record<string, unknown>[];
}
