import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, WallScreen } from '../middleware/auth.decorators';
import type { Caller } from '../dtos/auth.types';
import { hallScope } from '../utils/hall-scope';
import { LiveHallDto, LiveHallsQueryDto } from '../dtos/halls.dto';
import { HallsService } from '../services/halls.service';

@ApiTags('halls')
@ApiBearerAuth()
@Controller('halls')
export class HallsController {
  constructor(private readonly halls: HallsService) {}

  /** Per hall of the caller's: persons waiting and since when, staffed windows against minStaffedWindows, windows with citizens waiting. */
  @Get('live')
  @WallScreen()
  @ApiOkResponse({ type: [LiveHallDto] })
  live(@CurrentUser() user: Caller, @Query() query: LiveHallsQueryDto): Promise<LiveHallDto[]> {
    return this.halls.live(hallScope(user, query.hall));
  }
}
