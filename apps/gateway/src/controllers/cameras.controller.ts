import { Controller, Get, Header, Param, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CurrentUser, WallScreen } from '../middleware/auth.decorators';
import type { Caller } from '../dtos/auth.types';
import { hallScope } from '../utils/hall-scope';
import { CameraParamsDto, CameraStateDto } from '../dtos/cameras.dto';
import { CameraFramesService } from '../services/camera-frames.service';
import { CameraStatusService } from '../services/camera-status.service';

type Response = { setHeader(name: string, value: string): unknown };

@ApiTags('cameras')
@ApiBearerAuth()
@Controller('cameras')
export class CamerasController {
  constructor(
    private readonly frames: CameraFramesService,
    private readonly statuses: CameraStatusService,
  ) {}

  /** Each camera's latest reported health, for the caller's halls; a camera that never reported is not listed. */
  @Get('status')
  @WallScreen()
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ type: [CameraStateDto] })
  status(@CurrentUser() user: Caller): Promise<CameraStateDto[]> {
    return this.statuses.latest(hallScope(user));
  }

  /** The camera's latest sampled frame; its capture time in the Hallwatch-Captured-At header. */
  @Get(':id/snapshot')
  @WallScreen()
  @Header('Cache-Control', 'no-store')
  @ApiProduces('image/jpeg')
  @ApiOkResponse({ description: 'JPEG of the latest sampled frame (any role, own halls)' })
  async snapshot(
    @CurrentUser() user: Caller,
    @Param() params: CameraParamsDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const snapshot = await this.frames.snapshot(user, params.id);
    res.setHeader('Hallwatch-Captured-At', snapshot.capturedAt);
    return new StreamableFile(Buffer.from(snapshot.jpeg), { type: 'image/jpeg' });
  }
}
