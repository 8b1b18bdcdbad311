import { Detector } from './detector/detector.interface';
import { DetectorConfig, loadDetector } from './detector/detector.factory';
import { assertRgbFrame, lumaStats, RgbFrame } from './frame/rgb-frame';
import { Box, isValidPolygon, Point, polygonBounds, zoneCropRect } from './geometry/zone-geometry';
import { ChangeThresholds, regionChanged, regionSignature, RegionSignature } from './occupancy/change-gate';
import { boxToFrame, layoutMosaic, renderMosaic } from './occupancy/mosaic';
import { decideOccupancy, OccupancyThresholds, PersonBox, zoneEvidence, ZoneDecision } from './occupancy/occupancy-rule';

export interface ZoneDefinition {
  readonly id: string;
  /** Polygon in fractions (0..1) of frame width and height. */
  readonly polygon: readonly Point[];
}

export interface ZoneResult {
  readonly zone: string;
  readonly occupied: boolean;
  /** Confidence in the answer given, 0.5..1 (0 when the frame is not judgeable). */
  readonly confidence: number;
  /** Estimated number of persons in the zone. */
  readonly persons: number;
  /** True when the detector ran on this zone for this frame; false when an earlier answer was reused. */
  readonly inferred: boolean;
  /** False when the frame is too dark or flat to judge; the zone is then reported empty with confidence 0. */
  readonly judgeable: boolean;
}

export interface ZoneAnalyzer {
  readonly detector: Detector;
  analyze(frame: RgbFrame): Promise<ZoneResult[]>;
}

export interface ZoneAnalyzerOptions {
  readonly zones: readonly ZoneDefinition[];
  /** Defaults to the process-wide CenterNet detector (see loadDetector). */
  readonly detector?: Detector;
  readonly detectorConfig?: DetectorConfig;
  readonly thresholds?: Partial<OccupancyThresholds>;
  readonly change?: Partial<ChangeThresholds>;
  /** Longest time an unchanged zone's answer is reused before the detector re-confirms it, ms. */
  readonly reconfirmMs?: number;
  /** Context around each zone in its crop, as a fraction of the zone's larger side on every side. */
  readonly cropMargin?: number;
  /** Zone crops per side of one detector input (3 -> up to 9 zones per pass). */
  readonly tilesPerSide?: number;
}

/** Calibrated on test/media (see libs/vision/README.md). */
export const DEFAULT_THRESHOLDS: OccupancyThresholds = {
  enter: 0.35,
  stay: 0.28,
  minOverlap: 0.4,
  confidentOccupied: 0.4,
  confidentEmpty: 0.2,
};
export const DEFAULT_CHANGE: ChangeThresholds = { cellDelta: 16, changedFraction: 0.1 };
const DEFAULT_RECONFIRM_MS = 10_000;
const DEFAULT_CROP_MARGIN = 0.3;
const DEFAULT_TILES_PER_SIDE = 3;
/** Below this mean luma the frame is night or a dead camera; below this spread it is a flat image. */
const MIN_JUDGEABLE_MEAN = 16;
const MIN_JUDGEABLE_STD = 4;

interface ZoneState {
  readonly zone: ZoneDefinition;
  readonly bounds: Box;
  decision?: ZoneDecision;
  inferredAt: number;
  /** Signature when the last confident answer was given; unset while the answer is not confident. */
  signature?: RegionSignature;
}

export async function createZoneAnalyzer(options: ZoneAnalyzerOptions): Promise<ZoneAnalyzer> {
  const ids = new Set<string>();
  for (const zone of options.zones) {
    if (!isValidPolygon(zone.polygon)) throw new Error(`zone ${zone.id}: polygon needs 3+ points inside 0..1 and a non-zero area`);
    if (ids.has(zone.id)) throw new Error(`zone ${zone.id} is defined twice`);
    ids.add(zone.id);
  }
  const detector = options.detector ?? (await loadDetector(options.detectorConfig));
  return new MosaicZoneAnalyzer(detector, options);
}

class MosaicZoneAnalyzer implements ZoneAnalyzer {
  private readonly states: ZoneState[];
  private readonly thresholds: OccupancyThresholds;
  private readonly change: ChangeThresholds;
  private readonly reconfirmMs: number;
  private readonly cropMargin: number;
  private readonly tilesPerSide: number;

  constructor(
    readonly detector: Detector,
    options: ZoneAnalyzerOptions,
  ) {
    this.states = options.zones.map((zone) => ({ zone, bounds: polygonBounds(zone.polygon), inferredAt: -Infinity }));
    this.thresholds = { ...DEFAULT_THRESHOLDS, ...options.thresholds };
    this.change = { ...DEFAULT_CHANGE, ...options.change };
    this.reconfirmMs = options.reconfirmMs ?? DEFAULT_RECONFIRM_MS;
    this.cropMargin = options.cropMargin ?? DEFAULT_CROP_MARGIN;
    this.tilesPerSide = options.tilesPerSide ?? DEFAULT_TILES_PER_SIDE;
  }

  async analyze(frame: RgbFrame): Promise<ZoneResult[]> {
    assertRgbFrame(frame);
    const luma = lumaStats(frame);
    if (luma.mean < MIN_JUDGEABLE_MEAN || luma.std < MIN_JUDGEABLE_STD) {
      // Nothing learnt from this frame may be reused once the picture comes back.
      for (const state of this.states) state.signature = undefined;
      return this.states.map((s) => ({ zone: s.zone.id, occupied: false, confidence: 0, persons: 0, inferred: false, judgeable: false }));
    }
    const signatures = this.states.map((s) => regionSignature(frame, s.bounds));
    const due = this.states.filter((s, i) => this.isDue(s, signatures[i], frame.at));
    const inferred = new Set<ZoneState>();
    const capacity = this.tilesPerSide * this.tilesPerSide;
    for (let start = 0; start < due.length; start += capacity) {
      const batch = due.slice(start, start + capacity);
      if (batch.length < capacity) {
        // Free tiles cost nothing: fill them with the zones answered longest ago, so their re-confirmation comes early and together.
        const riders = this.states.filter((s) => !due.includes(s)).sort((a, b) => a.inferredAt - b.inferredAt);
        batch.push(...riders.slice(0, capacity - batch.length));
      }
      await this.inferBatch(frame, batch, signatures);
      batch.forEach((s) => inferred.add(s));
    }
    return this.states.map((s) => {
      const d = s.decision as ZoneDecision;
      return {
        zone: s.zone.id,
        occupied: d.occupied,
        confidence: d.confidence,
        persons: d.persons,
        inferred: inferred.has(s),
        judgeable: true,
      };
    });
  }

  private isDue(state: ZoneState, signature: RegionSignature, at: number): boolean {
    return (
      !state.signature ||
      at - state.inferredAt >= this.reconfirmMs ||
      at < state.inferredAt ||
      regionChanged(state.signature, signature, this.change)
    );
  }

  private async inferBatch(frame: RgbFrame, batch: ZoneState[], signatures: RegionSignature[]): Promise<void> {
    const size = this.detector.inputSize;
    const tiles = layoutMosaic(
      batch.map((s) => zoneCropRect(s.zone.polygon, frame.width, frame.height, this.cropMargin)),
      size,
      this.tilesPerSide,
    );
    const detections = await this.detector.detect(await renderMosaic(frame, tiles, size));
    // A person is judged only by the tile that saw it: the same person seen smaller in a
    // neighbour's tile would otherwise count twice.
    const persons: PersonBox[][] = batch.map(() => []);
    for (const d of detections) {
      if (!d.isPerson) continue;
      const mapped = boxToFrame(d.box, tiles, frame.width, frame.height);
      if (mapped) persons[mapped.tile].push({ box: mapped.box, score: d.score });
    }
    batch.forEach((state, i) => {
      const evidence = zoneEvidence(state.zone.polygon, persons[i], this.thresholds);
      state.decision = decideOccupancy(evidence, state.decision?.occupied ?? false, this.thresholds);
      state.inferredAt = frame.at;
      state.signature = state.decision.confident ? signatures[this.states.indexOf(state)] : undefined;
    });
  }
}
