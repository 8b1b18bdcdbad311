import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Histogram } from 'prom-client';
import {
  createZoneAnalyzer,
  decodeJpeg,
  Detector,
  loadDetector,
  MosaicPacker,
  ZoneAnalyzer,
  ZoneDefinition,
  ZoneResult,
} from '@hallwatch/vision';
import { InjectContext, ServiceContext, ServiceMetrics } from '@hallwatch/runtime';

/** How often the count of judged frames is logged (throughput, as operators and bench:e2e see it). */
const COUNT_EVERY_MS = 30000;

/**
 * The zone analyzer of each camera. The detector model is loaded once for the process, and one
 * packer shares its passes among all cameras: zones of frames that arrive together fill one input.
 */
@Injectable()
export class VisionRepository implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger('vision');
  private readonly analyzers = new Map<string, Promise<ZoneAnalyzer>>();
  private packer?: Promise<MosaicPacker>;
  private judged = 0;
  private judgedLogged = 0;
  private tilesLogged = 0;
  private passesLogged = 0;
  private counter?: NodeJS.Timeout;
  private readonly passes: Histogram;

  constructor(
    @InjectContext() private readonly ctx: ServiceContext,
    metrics: ServiceMetrics,
  ) {
    this.passes = metrics.histogram({
      name: 'hallwatch_detector_pass_seconds',
      help: 'Time of one detector pass (the zones of the frames that arrived together, packed into one input)',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    });
  }

  onModuleInit(): void {
    this.counter = setInterval(() => void this.logCount(), COUNT_EVERY_MS);
    this.counter.unref();
  }

  private async logCount(): Promise<void> {
    if (this.judged === this.judgedLogged || !this.packer) return;
    const { tiles, passes } = await this.packer;
    // Zones whose pixels did not change reuse their answer: the detector sees far fewer zones than frames hold.
    this.log.log(
      `${this.judged - this.judgedLogged} frame(s) judged in the last ${COUNT_EVERY_MS / 1000} s, ${this.judged} since start; ` +
        `${tiles - this.tilesLogged} zone(s) given to the detector in ${passes - this.passesLogged} pass(es)`,
    );
    this.judgedLogged = this.judged;
    this.tilesLogged = tiles;
    this.passesLogged = passes;
  }

  onModuleDestroy(): void {
    clearInterval(this.counter);
  }

  /** Loads the detector now, so the first frame is not delayed by it. */
  async warmUp(): Promise<void> {
    await this.sharedPacker();
  }

  private sharedPacker(): Promise<MosaicPacker> {
    if (!this.packer) {
      const { detectorModule: module, detectorBackend: backend } = this.ctx.env;
      const log = (message: string, level?: 'warn') => (level === 'warn' ? this.log.warn(message) : this.log.log(message));
      this.packer = loadDetector({ inWorker: true, module, backend, log }).then((detector) => new MosaicPacker(this.timed(detector)));
      this.packer.catch(() => (this.packer = undefined));
    }
    return this.packer;
  }

  /** The detector, each pass timed into hallwatch_detector_pass_seconds. */
  private timed(detector: Detector): Detector {
    const passes = this.passes;
    return {
      name: detector.name,
      backend: detector.backend,
      inputSize: detector.inputSize,
      async detect(rgb) {
        const end = passes.startTimer();
        try {
          return await detector.detect(rgb);
        } finally {
          end();
        }
      },
    };
  }

  /** Drops the camera's analyzer (its hall is no longer held): its remembered zones and answers go with it. */
  forget(cameraId: string): void {
    this.analyzers.delete(cameraId);
  }

  /** Person counts per zone of one camera frame; frames of a camera must come in capture order. */
  async analyze(cameraId: string, zones: readonly ZoneDefinition[], jpeg: Buffer, capturedAt: number): Promise<ZoneResult[]> {
    let analyzer = this.analyzers.get(cameraId);
    if (!analyzer) {
      // Live frames: re-confirmations of unchanged zones wait to fill shared passes instead of holding up the frame.
      analyzer = this.sharedPacker().then((packer) => createZoneAnalyzer({ zones, packer, reconfirmInBackground: true }));
      this.analyzers.set(cameraId, analyzer);
    }
    const results = await (await analyzer).analyze(await decodeJpeg(jpeg, capturedAt));
    this.judged++;
    return results;
  }
}
