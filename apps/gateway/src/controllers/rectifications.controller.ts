import { Body, Controller, Get, HttpCode, Param, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../middleware/auth.decorators';
import type { AuthUser } from '../dtos/auth.types';
import { RecordParamsDto } from '../dtos/leaves.dto';
import {
  IssueRectificationDto,
  RectificationDto,
  RectificationListQueryDto,
  RectificationPhotoParamsDto,
  RespondRectificationDto,
  VerifyRectificationDto,
} from '../dtos/rectifications.dto';
import { RectificationsService } from '../services/rectifications.service';

@ApiTags('rectifications')
@ApiBearerAuth()
@Controller('rectifications')
export class RectificationsController {
  constructor(private readonly orders: RectificationsService) {}

  /** Issues a rectification order (督办单) from a confirmed incident, a verified complaint, a card or a case, as the signed-in supervisor or admin. */
  @Post()
  @HttpCode(200)
  @Roles('admin', 'supervisor')
  @ApiOkResponse({ type: RectificationDto })
  issue(@CurrentUser() user: AuthUser, @Body() body: IssueRectificationDto): Promise<RectificationDto> {
    return this.orders.issue(user, body);
  }

  /** Orders of the caller's halls, newest first, by state and kind of source. */
  @Get()
  @ApiOkResponse({ type: [RectificationDto] })
  list(@CurrentUser() user: AuthUser, @Query() query: RectificationListQueryDto): Promise<RectificationDto[]> {
    return this.orders.list(user, query);
  }

  /** One order with its history: who issued, responded, verified or returned it, when it turned overdue and escalated. */
  @Get(':id')
  @ApiOkResponse({ type: RectificationDto })
  get(@CurrentUser() user: AuthUser, @Param() params: RecordParamsDto): Promise<RectificationDto> {
    return this.orders.get(user, params.id);
  }

  /** Photo n of the order's responses (own halls); each view is recorded (who, when). */
  @Get(':id/photos/:n')
  @ApiProduces('image/jpeg', 'image/png')
  @ApiOkResponse({ description: 'the photo as attached: a JPEG or PNG' })
  async photo(@CurrentUser() user: AuthUser, @Param() params: RectificationPhotoParamsDto): Promise<StreamableFile> {
    const photo = await this.orders.photo(user, params.id, params.n);
    return new StreamableFile(photo.bytes, { type: photo.contentType });
  }

  /** The hall manager's response: what was done (the order a bad rating opened also needs the call-back), with one photo if wished; 409 unless it waits for the hall. */
  @Post(':id/respond')
  @HttpCode(200)
  @Roles('hall_manager')
  @ApiOkResponse({ type: RectificationDto })
  respond(
    @CurrentUser() user: AuthUser,
    @Param() params: RecordParamsDto,
    @Body() body: RespondRectificationDto,
  ): Promise<RectificationDto> {
    return this.orders.respond(user, params.id, body);
  }

  /** The bureau verifies the response (accepted: true) or sends it back (false); 409 unless responded. */
  @Post(':id/verify')
  @HttpCode(200)
  @Roles('admin', 'supervisor')
  @ApiOkResponse({ type: RectificationDto })
  verify(@CurrentUser() user: AuthUser, @Param() params: RecordParamsDto, @Body() body: VerifyRectificationDto): Promise<RectificationDto> {
    return this.orders.verify(user, params.id, body);
  }
}
