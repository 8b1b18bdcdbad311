import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsObject } from 'class-validator';

/** Each row is checked on its own by reporting (ComplaintMessage), so a bad row never sinks the batch. */
export class ComplaintBatchDto {
  @ApiProperty({
    description: 'complaints (ComplaintMessage fields); each row is accepted or rejected with a reason',
    type: 'array',
    items: { type: 'object' },
  })
  @IsArray()
  @ArrayMaxSize(5000)
  @IsObject({ each: true })
  complaints: Record<string, unknown>[];
}
