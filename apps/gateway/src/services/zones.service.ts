import { Injectable, Logger } from '@nestjs/common';
import { InjectContext, ServiceContext } from '@hallwatch/runtime';
import type { AuthUser } from '../dtos/auth.types';
import { CameraFramesService } from './camera-frames.service';
import type { ZoneOccupancyDto } from '../dtos/zones.dto';

/**
 * Occupancy of a polygon being drawn, on the camera's latest frame, judged by the same vision
 * library as inference. The detector loads on the first request only (admins drawing zones), and
 * requests take turns so the detector never runs twice at once in the gateway.
 */
@Injectable()
export class ZonesService {
  private turns: Promise<unknown> = Promise.resolve();
  private readonly log = new Logger('zones');

  constructor(
    private readonly frames: CameraFramesService,
    @InjectContext() private readonly ctx: ServiceContext,
  ) {}

  async occupancy(user: AuthUser, cameraId: string, zone: [number, number][]): Promise<ZoneOccupancyDto> {
    const snapshot = await this.frames.snapshot(user, cameraId);
    const turn = this.turns.then(async () => {
      const { createZoneAnalyzer, decodeJpeg } = await import('@hallwatch/vision');
      const detectorConfig = {
        backend: this.ctx.env.detectorBackend,
        log: (message: string, level?: 'warn') => (level === 'warn' ? this.log.warn(message) : this.log.log(message)),
      };
      // A fresh analyzer: no hysteresis or reuse from earlier drafts, one honest look at this frame.
      const analyzer = await createZoneAnalyzer({ zones: [{ id: 'draft', polygon: zone }], reconfirmMs: 0, detectorConfig });
      const [result] = await analyzer.analyze(await decodeJpeg(Buffer.from(snapshot.jpeg), Date.parse(snapshot.capturedAt)));
      return {
        occupied: result.occupied,
        confidence: result.confidence,
        persons: result.persons,
        judgeable: result.judgeable,
        capturedAt: snapshot.capturedAt,
      };
    });
    this.turns = turn.catch(() => undefined);
    return turn;
  }
}
