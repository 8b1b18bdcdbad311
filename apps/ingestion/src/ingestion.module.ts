import { DynamicModule, Module } from '@nestjs/common';
import { serviceCoreModule, ServiceContext } from '@hallwatch/runtime';
import { FfmpegRepository } from './repositories/ffmpeg.repository';
import { FrameBusRepository } from './repositories/frame-bus.repository';
import { LeaseRepository } from './repositories/lease.repository';
import { OnvifRepository } from './repositories/onvif.repository';
import { CameraSupervisorService } from './services/camera-supervisor.service';

@Module({})
export class IngestionModule {
  static register(ctx: ServiceContext): DynamicModule {
    return {
      module: IngestionModule,
      imports: [serviceCoreModule('ingestion', ctx)],
      providers: [FfmpegRepository, OnvifRepository, FrameBusRepository, LeaseRepository, CameraSupervisorService],
    };
  }
}
