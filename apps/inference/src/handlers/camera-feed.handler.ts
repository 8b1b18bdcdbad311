import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { NatsRepository } from '../repositories/nats.repository';
import { MonitorService } from '../services/monitor.service';

/** Frames (queue group, shared by every instance) and camera health (durable consumer) into the monitor. */
@Injectable()
export class CameraFeedHandler implements OnApplicationBootstrap {
  constructor(
    private readonly nats: NatsRepository,
    private readonly monitor: MonitorService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.monitor.start();
    await this.nats.subscribeFrames((frame) => this.monitor.receiveFrame(frame));
    await this.nats.consumeCameraStatus((status) => this.monitor.cameraStatus(status));
  }
}
