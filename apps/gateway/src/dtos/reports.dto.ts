import { ApiProperty, PickType } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { NoticeQuery } from '@hallwatch/contracts';
import { NOTICE_FORMATS, type NoticeFormat } from '@hallwatch/stats';

export class NoticeQueryDto extends PickType(NoticeQuery, ['month']) {
  @ApiProperty({ example: '2026-11', description: 'the month of the notice, YYYY-MM (local dates of the site)' })
  month: string;

  @ApiProperty({ enum: NOTICE_FORMATS, description: 'docx (Word, as notices are circulated), pdf (for print) or json (the content)' })
  @IsIn(NOTICE_FORMATS)
  format: NoticeFormat;
}
