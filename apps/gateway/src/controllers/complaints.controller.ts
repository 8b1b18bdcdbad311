import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../middleware/auth.decorators';
import type { AuthUser } from '../dtos/auth.types';
import { RecordParamsDto } from '../dtos/leaves.dto';
import { ComplaintBatchDto } from '../dtos/complaints.dto';
import { ComplaintsService } from '../services/complaints.service';

@ApiTags('complaints')
@ApiBearerAuth()
@Controller('complaints')
export class ComplaintsController {
  constructor(private readonly complaints: ComplaintsService) {}

  /**
   * A batch of complaints (hotline, cards, online, inspection), submitted by the signed-in user;
   * answers per row (accepted, or rejected with the reason). Only a supervisor or admin sets or
   * changes `verified`; a hall manager submits complaints of their halls as "pending".
   */
  @Post()
  @HttpCode(200)
  @Roles('admin', 'supervisor', 'hall_manager')
  import(@CurrentUser() user: AuthUser, @Body() body: ComplaintBatchDto) {
    return this.complaints.import(user, body.complaints);
  }

  /** A complaint with every version: the fields each set, who submitted it and when. */
  @Get(':id')
  get(@CurrentUser() user: AuthUser, @Param() params: RecordParamsDto) {
    return this.complaints.get(user, params.id);
  }
}
