import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import type { AuthUser } from '../auth/auth.types';
import { ComplaintBatchDto } from './complaints.dto';
import { ComplaintsService } from './complaints.service';

@ApiTags('complaints')
@ApiBearerAuth()
@Controller('complaints')
export class ComplaintsController {
  constructor(private readonly complaints: ComplaintsService) {}

  /** A batch of complaints (hotline, cards, online, inspection); answers per row (accepted, or rejected with the reason). */
  @Post()
  @HttpCode(200)
  @Roles('admin', 'hall_manager')
  import(@CurrentUser() user: AuthUser, @Body() body: ComplaintBatchDto) {
    return this.complaints.import(user, body.complaints);
  }
}
