import { Injectable } from '@nestjs/common';
import { createZoneAnalyzer, decodeJpeg, loadDetector, ZoneAnalyzer, ZoneDefinition, ZoneResult } from '@hallwatch/vision';

/** The zone analyzer of each camera; the detector model is loaded once for the process. */
@Injectable()
export class VisionRepository {
  private readonly analyzers = new Map<string, Promise<ZoneAnalyzer>>();

  /** Loads the detector now, so the first frame is not delayed by it. */
  async warmUp(): Promise<void> {
    await loadDetector();
  }

  /** Person counts per zone of one camera frame; frames of a camera must come in capture order. */
  async analyze(cameraId: string, zones: readonly ZoneDefinition[], jpeg: Buffer, capturedAt: number): Promise<ZoneResult[]> {
    let analyzer = this.analyzers.get(cameraId);
    if (!analyzer) {
      analyzer = createZoneAnalyzer({ zones });
      this.analyzers.set(cameraId, analyzer);
    }
    return (await analyzer).analyze(await decodeJpeg(jpeg, capturedAt));
  }
}
