import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import type { AuthUser } from '../auth/auth.types';
import { LeaveBatchDto } from './leaves.dto';
import { LeavesService } from './leaves.service';

@ApiTags('leaves')
@ApiBearerAuth()
@Controller('leaves')
export class LeavesController {
  constructor(private readonly leaves: LeavesService) {}

  /** Approved leaves and duty changes (请假、公出、调班); answers per row (accepted, or rejected with the reason). */
  @Post()
  @HttpCode(200)
  @Roles('admin', 'hall_manager')
  register(@CurrentUser() user: AuthUser, @Body() body: LeaveBatchDto) {
    return this.leaves.register(user, body.leaves);
  }
}
