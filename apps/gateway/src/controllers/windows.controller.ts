import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles, WallScreen } from '../middleware/auth.decorators';
import type { AuthUser, Caller } from '../dtos/auth.types';
import { hallScope } from '../utils/hall-scope';
import { AwayBodyDto, AwayDeclarationDto, LiveWindowDto, LiveWindowsQueryDto, WindowParamsDto } from '../dtos/windows.dto';
import { WindowsService } from '../services/windows.service';

@ApiTags('windows')
@ApiBearerAuth()
@Controller('windows')
export class WindowsController {
  constructor(private readonly windows: WindowsService) {}

  /** Each window's presence state and since when, and its 暂离 going on, for the caller's halls. */
  @Get('live')
  @WallScreen()
  @ApiOkResponse({ type: [LiveWindowDto] })
  live(@CurrentUser() user: Caller, @Query() query: LiveWindowsQueryDto): Promise<LiveWindowDto[]> {
    return this.windows.live(hallScope(user, query.hall));
  }

  /**
   * 暂离: declares the window away from now for `minutes`, by the signed-in user: an absence inside it
   * is no incident, past it counts from its end. 422 naming rules.awayMax or rules.awayPerDayMax when over one.
   */
  @Post(':id/away')
  @HttpCode(200)
  @Roles('admin', 'hall_manager')
  @ApiOkResponse({ type: AwayDeclarationDto })
  away(@CurrentUser() user: AuthUser, @Param() params: WindowParamsDto, @Body() body: AwayBodyDto): Promise<AwayDeclarationDto> {
    return this.windows.declareAway(user, params.id, body);
  }
}
