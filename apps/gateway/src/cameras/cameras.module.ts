import { Module } from '@nestjs/common';
import { CamerasController } from './cameras.controller';
import { CameraFramesService } from './camera-frames.service';

@Module({ controllers: [CamerasController], providers: [CameraFramesService], exports: [CameraFramesService] })
export class CamerasModule {}
