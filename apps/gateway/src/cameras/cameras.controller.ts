import { Controller, Get, Header, Param, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../auth/auth.decorators';
import type { AuthUser } from '../auth/auth.types';
import { CameraParamsDto } from './cameras.dto';
import { CameraFramesService } from './camera-frames.service';

type Response = { setHeader(name: string, value: string): unknown };

@ApiTags('cameras')
@ApiBearerAuth()
@Controller('cameras')
export class CamerasController {
  constructor(private readonly frames: CameraFramesService) {}

  /** The camera's latest sampled frame; its capture time in the Hallwatch-Captured-At header. */
  @Get(':id/snapshot')
  @Header('Cache-Control', 'no-store')
  @ApiProduces('image/jpeg')
  @ApiOkResponse({ description: 'JPEG of the latest sampled frame (any role, own halls)' })
  async snapshot(
    @CurrentUser() user: AuthUser,
    @Param() params: CameraParamsDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const snapshot = await this.frames.snapshot(user, params.id);
    res.setHeader('Hallwatch-Captured-At', snapshot.capturedAt);
    return new StreamableFile(Buffer.from(snapshot.jpeg), { type: 'image/jpeg' });
  }
}
