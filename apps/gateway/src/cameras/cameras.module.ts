import { Module } from '@nestjs/common';
import { CamerasController } from './cameras.controller';
import { CameraFramesService } from './camera-frames.service';
import { CameraStatusService } from './camera-status.service';

@Module({ controllers: [CamerasController], providers: [CameraFramesService, CameraStatusService], exports: [CameraFramesService] })
export class CamerasModule {}
