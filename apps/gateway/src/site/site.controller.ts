import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, WallScreen } from '../auth/auth.decorators';
import type { Caller } from '../auth/auth.types';
import { SiteDto } from './site.dto';
import { SiteService } from './site.service';

@ApiTags('site')
@ApiBearerAuth()
@Controller('site')
export class SiteController {
  constructor(private readonly site: SiteService) {}

  /** What the console draws: halls, cameras, windows with their zones, the site's time zone. */
  @Get()
  @WallScreen()
  @ApiOkResponse({ type: SiteDto })
  describe(@CurrentUser() user: Caller): SiteDto {
    return this.site.describe(user);
  }
}
