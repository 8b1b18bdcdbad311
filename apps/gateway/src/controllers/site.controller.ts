import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, WallScreen } from '../middleware/auth.decorators';
import type { Caller } from '../dtos/auth.types';
import { SiteDto } from '../dtos/site.dto';
import { SiteService } from '../services/site.service';

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
