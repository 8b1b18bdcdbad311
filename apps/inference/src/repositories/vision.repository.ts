import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { createZoneAnalyzer, decodeJpeg, loadDetector, ZoneAnalyzer, ZoneDefinition, ZoneResult } from '@hallwatch/vision';

/** How often the count of judged frames is logged (throughput, as operators and bench:e2e see it). */
const COUNT_EVERY_MS = 30000;

/** The zone analyzer of each camera; the detector model is loaded once for the process. */
@Injectable()
export class VisionRepository implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger('vision');
  private readonly analyzers = new Map<string, Promise<ZoneAnalyzer>>();
  private judged = 0;
  private judgedLogged = 0;
  private counter?: NodeJS.Timeout;

  onModuleInit(): void {
    this.counter = setInterval(() => {
      if (this.judged === this.judgedLogged) return;
      this.log.log(`${this.judged - this.judgedLogged} frame(s) judged in the last ${COUNT_EVERY_MS / 1000} s, ${this.judged} since start`);
      this.judgedLogged = this.judged;
    }, COUNT_EVERY_MS);
    this.counter.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.counter);
  }

  /** Loads the detector now, so the first frame is not delayed by it. */
  async warmUp(): Promise<void> {
    await loadDetector({ log: (message) => this.log.log(message) });
  }

  /** Person counts per zone of one camera frame; frames of a camera must come in capture order. */
  async analyze(cameraId: string, zones: readonly ZoneDefinition[], jpeg: Buffer, capturedAt: number): Promise<ZoneResult[]> {
    let analyzer = this.analyzers.get(cameraId);
    if (!analyzer) {
      analyzer = createZoneAnalyzer({ zones });
      this.analyzers.set(cameraId, analyzer);
    }
    const results = await (await analyzer).analyze(await decodeJpeg(jpeg, capturedAt));
    this.judged++;
    return results;
  }
}
