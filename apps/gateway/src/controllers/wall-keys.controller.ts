import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../middleware/auth.decorators';
import type { AuthUser } from '../dtos/auth.types';
import { IssuedWallKeyDto, IssueWallKeyDto, WallKeyDto, WallKeyParamsDto } from '../dtos/wall-keys.dto';
import { WallKeysService } from '../services/wall-keys.service';

@ApiTags('wall-keys')
@ApiBearerAuth()
@Roles('admin')
@Controller('wall-keys')
export class WallKeysController {
  constructor(private readonly keys: WallKeysService) {}

  /** A key for one unattended wall screen: read-only, these halls only, valid until revoked. */
  @Post()
  @ApiCreatedResponse({ type: IssuedWallKeyDto })
  issue(@CurrentUser() user: AuthUser, @Body() body: IssueWallKeyDto): Promise<IssuedWallKeyDto> {
    return this.keys.issue(user, body.label, body.halls);
  }

  /** Every key issued, revoked ones included (without their secrets). */
  @Get()
  @ApiOkResponse({ type: [WallKeyDto] })
  list(): Promise<WallKeyDto[]> {
    return this.keys.list();
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'the key is revoked on every gateway' })
  revoke(@CurrentUser() user: AuthUser, @Param() params: WallKeyParamsDto): Promise<void> {
    return this.keys.revoke(user, params.id);
  }
}
