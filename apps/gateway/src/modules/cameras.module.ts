import { Module } from '@nestjs/common';
import { CamerasController } from '../controllers/cameras.controller';
import { CameraFramesService } from '../services/camera-frames.service';
import { CameraStatusService } from '../services/camera-status.service';

@Module({ controllers: [CamerasController], providers: [CameraFramesService, CameraStatusService], exports: [CameraFramesService] })
export class CamerasModule {}
