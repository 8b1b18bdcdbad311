import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles, WallScreen } from '../middleware/auth.decorators';
import type { AuthUser, Caller } from '../dtos/auth.types';
import {
  AppealIncidentDto,
  EvidenceParamsDto,
  IncidentDto,
  IncidentListQueryDto,
  IncidentPageDto,
  IncidentParamsDto,
  ReviewIncidentDto,
} from '../dtos/incidents.dto';
import { IncidentsService } from '../services/incidents.service';

@ApiTags('incidents')
@ApiBearerAuth()
@Controller('incidents')
export class IncidentsController {
  constructor(private readonly incidents: IncidentsService) {}

  @Get()
  @WallScreen()
  @ApiOkResponse({ type: IncidentPageDto })
  list(@CurrentUser() user: Caller, @Query() query: IncidentListQueryDto): Promise<IncidentPageDto> {
    return this.incidents.list(user, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: IncidentDto })
  get(@CurrentUser() user: AuthUser, @Param() params: IncidentParamsDto): Promise<IncidentDto> {
    return this.incidents.get(user, params.id);
  }

  /** Each view is recorded (the incident's `views`: who, when, which frame); a frame not matching its SHA-256 from capture is refused (409). */
  @Get(':id/evidence/:n')
  @ApiProduces('image/jpeg')
  async evidence(@CurrentUser() user: AuthUser, @Param() params: EvidenceParamsDto): Promise<StreamableFile> {
    return new StreamableFile(await this.incidents.evidence(user, params.id, params.n), { type: 'image/jpeg' });
  }

  /**
   * The supervision bureau's decision; kept in the incident's audit trail with who and when. An
   * appeal is decided by neither its appellant nor the reviewer appealed against (403); a decided
   * appeal is final: only an admin changes it, as a correction (409 for anyone else).
   */
  @Patch(':id')
  @Roles('supervisor', 'admin')
  @ApiOkResponse({ type: IncidentDto })
  review(@CurrentUser() user: AuthUser, @Param() params: IncidentParamsDto, @Body() body: ReviewIncidentDto): Promise<IncidentDto> {
    return this.incidents.review(user, params.id, body.status, body.reason);
  }

  /** The staff member's appeal, filed by the hall manager: `appealed` until the bureau decides again (409 when not appealable or final). */
  @Post(':id/appeal')
  @HttpCode(200)
  @Roles('hall_manager', 'admin')
  @ApiOkResponse({ type: IncidentDto })
  appeal(@CurrentUser() user: AuthUser, @Param() params: IncidentParamsDto, @Body() body: AppealIncidentDto): Promise<IncidentDto> {
    return this.incidents.appeal(user, params.id, body.reason);
  }
}
