import { ApiProperty } from '@nestjs/swagger';
import { IsObject } from 'class-validator';
import { IsRows } from '@hallwatch/contracts';

/** Each row is checked on its own by reporting (CaseMessage), so a bad row never sinks the batch. */
export class CaseBatchDto {
  @ApiProperty({
    description: 'cases (CaseMessage fields); each row is accepted or rejected with a reason',
    type: 'array',
    items: { type: 'object' },
  })
  @IsRows()
  @IsObject({ each: true })
  cases: Record<string, unknown>[];
}
