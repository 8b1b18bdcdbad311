import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../middleware/auth.decorators';
import type { AuthUser } from '../dtos/auth.types';
import { LeaveBatchDto, LeaveDecisionDto, RecordParamsDto } from '../dtos/leaves.dto';
import { LeavesService } from '../services/leaves.service';

@ApiTags('leaves')
@ApiBearerAuth()
@Controller('leaves')
export class LeavesController {
  constructor(private readonly leaves: LeavesService) {}

  /**
   * Leaves and duty changes (请假、公出、调班), submitted by the signed-in user; answers per row
   * (accepted, or rejected with the reason). A hall manager's wait for a supervisor's approval.
   */
  @Post()
  @HttpCode(200)
  @Roles('admin', 'supervisor', 'hall_manager')
  register(@CurrentUser() user: AuthUser, @Body() body: LeaveBatchDto) {
    return this.leaves.register(user, body.leaves);
  }

  /** A leave with its status and every version: who submitted, approved, rejected or revoked it, when and why. */
  @Get(':id')
  get(@CurrentUser() user: AuthUser, @Param() params: RecordParamsDto) {
    return this.leaves.get(user, params.id);
  }

  /** Approves a pending leave as the signed-in supervisor or admin: from now it excuses the absences it covers (409 unless pending). */
  @Post(':id/approve')
  @HttpCode(200)
  @Roles('admin', 'supervisor')
  approve(@CurrentUser() user: AuthUser, @Param() params: RecordParamsDto, @Body() body: LeaveDecisionDto) {
    return this.leaves.decide(user, params.id, 'approve', body.reason);
  }

  /** Rejects a pending leave: it never excuses anything (409 unless pending). */
  @Post(':id/reject')
  @HttpCode(200)
  @Roles('admin', 'supervisor')
  reject(@CurrentUser() user: AuthUser, @Param() params: RecordParamsDto, @Body() body: LeaveDecisionDto) {
    return this.leaves.decide(user, params.id, 'reject', body.reason);
  }

  /** Revokes an approved leave: what it excused is excused no more, with an audit entry on each incident (409 unless approved). */
  @Post(':id/revoke')
  @HttpCode(200)
  @Roles('admin', 'supervisor')
  revoke(@CurrentUser() user: AuthUser, @Param() params: RecordParamsDto, @Body() body: LeaveDecisionDto) {
    return this.leaves.decide(user, params.id, 'revoke', body.reason);
  }
}
