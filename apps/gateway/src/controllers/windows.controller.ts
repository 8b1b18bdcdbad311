import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, WallScreen } from '../middleware/auth.decorators';
import type { Caller } from '../dtos/auth.types';
import { hallScope } from '../utils/hall-scope';
import { LiveWindowDto, LiveWindowsQueryDto } from '../dtos/windows.dto';
import { WindowsService } from '../services/windows.service';

@ApiTags('windows')
@ApiBearerAuth()
@Controller('windows')
export class WindowsController {
  constructor(private readonly windows: WindowsService) {}

  /** Each window's presence state and since when, for the caller's halls. */
  @Get('live')
  @WallScreen()
  @ApiOkResponse({ type: [LiveWindowDto] })
  live(@CurrentUser() user: Caller, @Query() query: LiveWindowsQueryDto): Promise<LiveWindowDto[]> {
    return this.windows.live(hallScope(user, query.hall));
  }
}
