import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../auth/auth.types';
import { CameraFramesService } from '../cameras/camera-frames.service';
import type { ZoneOccupancyDto } from './zones.dto';

/**
 * Occupancy of a polygon being drawn, on the camera's latest frame, judged by the same vision
 * library as inference. TensorFlow.js loads on the first request only (admins drawing zones), and
 * requests take turns so the detector never runs twice at once in the gateway.
 */
@Injectable()
export class ZonesService {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly frames: CameraFramesService) {}

  async occupancy(user: AuthUser, cameraId: string, zone: [number, number][]): Promise<ZoneOccupancyDto> {
    const snapshot = await this.frames.snapshot(user, cameraId);
    const turn = this.queue.then(async () => {
      const { createZoneAnalyzer, decodeJpeg } = await import('@hallwatch/vision');
      // A fresh analyzer: no hysteresis or reuse from earlier drafts, one honest look at this frame.
      const analyzer = await createZoneAnalyzer({ zones: [{ id: 'draft', polygon: zone }], reconfirmMs: 0 });
      const [result] = await analyzer.analyze(await decodeJpeg(Buffer.from(snapshot.jpeg), Date.parse(snapshot.capturedAt)));
      return {
        occupied: result.occupied,
        confidence: result.confidence,
        persons: result.persons,
        judgeable: result.judgeable,
        capturedAt: snapshot.capturedAt,
      };
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }
}
