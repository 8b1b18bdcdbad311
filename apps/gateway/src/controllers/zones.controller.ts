import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../middleware/auth.decorators';
import type { AuthUser } from '../dtos/auth.types';
import { ZoneOccupancyDto, ZoneOccupancyRequestDto } from '../dtos/zones.dto';
import { ZonesService } from '../services/zones.service';

@ApiTags('zones')
@ApiBearerAuth()
@Controller('zones')
export class ZonesController {
  constructor(private readonly zones: ZonesService) {}

  /** Is someone in this (draft) polygon on the camera's latest frame? For drawing zones. */
  @Post('occupancy')
  @HttpCode(200)
  @Roles('admin')
  @ApiOkResponse({ type: ZoneOccupancyDto })
  occupancy(@CurrentUser() user: AuthUser, @Body() body: ZoneOccupancyRequestDto): Promise<ZoneOccupancyDto> {
    return this.zones.occupancy(user, body.cameraId, body.zone);
  }
}
