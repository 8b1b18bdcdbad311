import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../auth/auth.decorators';
import type { AuthUser } from '../auth/auth.types';
import { SiteDto } from './site.dto';
import { SiteService } from './site.service';

@ApiTags('site')
@ApiBearerAuth()
@Controller('site')
export class SiteController {
  constructor(private readonly site: SiteService) {}

  /** What the console draws: halls, cameras, windows with their zones, the site's time zone. */
  @Get()
  @ApiOkResponse({ type: SiteDto })
  describe(@CurrentUser() user: AuthUser): SiteDto {
    return this.site.describe(user);
  }
}
