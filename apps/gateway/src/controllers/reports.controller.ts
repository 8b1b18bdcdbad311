import { Controller, Get, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { NOTICE_CONTENT_TYPES } from '@hallwatch/stats';
import { CurrentUser, Roles } from '../middleware/auth.decorators';
import type { AuthUser } from '../dtos/auth.types';
import { attachment } from '../utils/content-disposition';
import { NoticeQueryDto } from '../dtos/reports.dto';
import { ReportsService } from '../services/reports.service';

/** The part of the HTTP response the controller touches. */
type Response = { setHeader(name: string, value: string): unknown };

/** Documents the supervision bureau circulates; they cover every hall, so hall managers get none. */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports')
@Roles('admin', 'supervisor', 'evaluator')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  /** The monthly notice (月度通报): rankings, confirmed incidents, red cards, rectification orders, units at the bottom. */
  @Get('notice')
  @ApiOkResponse({
    description:
      'the notice as a download named in Chinese (filename*, e.g. XX区行政审批服务大厅2026年11月效能监察通报.docx) and in ASCII (filename)',
    content: {
      [NOTICE_CONTENT_TYPES.docx]: { schema: { type: 'string', format: 'binary' } },
      [NOTICE_CONTENT_TYPES.pdf]: { schema: { type: 'string', format: 'binary' } },
      [NOTICE_CONTENT_TYPES.json]: { schema: { type: 'object' } },
    },
  })
  async notice(@CurrentUser() user: AuthUser, @Query() q: NoticeQueryDto, @Res({ passthrough: true }) res: Response) {
    const file = await this.reports.notice(user, q);
    res.setHeader('Content-Disposition', attachment(file.name, file.ascii));
    return new StreamableFile(file.body, { type: NOTICE_CONTENT_TYPES[q.format] });
  }
}
