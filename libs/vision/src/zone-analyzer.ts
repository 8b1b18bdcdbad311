import { Detector } from './detector/detector.interface';
import { DetectorConfig, loadDetector } from './detector/detector.factory';
import { assertRgbFrame, lumaStats, RgbFrame } from './frame/rgb-frame';
import { Box, isValidPolygon, Point, polygonBounds, centreIn, zoneCropRect, zoneParts } from './geometry/zone-geometry';
import { ChangeThresholds, regionChanged, regionSignature, RegionSignature } from './occupancy/change-gate';
import { MosaicPacker, PixelRect, renderTile, tileBoxToFrame, tileOf } from './occupancy/mosaic';
import { decideOccupancy, OccupancyThresholds, PersonBox, zoneEvidence, ZoneDecision } from './occupancy/occupancy-rule';

export interface ZoneDefinition {
  readonly id: string;
  /** Polygon in fractions (0..1) of frame width and height. */
  readonly polygon: readonly Point[];
  /**
   * A large area where persons are counted (a hall's waiting area): its crop is split into as many
   * detector tiles as keep small, far people big enough to be found, each seen with some overlap.
   */
  readonly split?: boolean;
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
  readonly packer: MosaicPacker;
  analyze(frame: RgbFrame): Promise<ZoneResult[]>;
}

export interface ZoneAnalyzerOptions {
  readonly zones: readonly ZoneDefinition[];
  /** The packer whose detector passes this analyzer shares with others (one per process: see MosaicPacker). */
  readonly packer?: MosaicPacker;
  /** Without a packer: the detector of this analyzer's own packer; defaults to the process-wide CenterNet detector (see loadDetector). */
  readonly detector?: Detector;
  readonly detectorConfig?: DetectorConfig;
  readonly thresholds?: Partial<OccupancyThresholds>;
  readonly change?: Partial<ChangeThresholds>;
  /** Longest time an unchanged zone's answer is reused before the detector re-confirms it, ms. */
  readonly reconfirmMs?: number;
  /**
   * Ask again about unchanged zones (a doubtful answer, or one due for re-confirmation) without
   * holding up the frame: the frame reports their last answers, and the detector's new answer
   * counts from the camera's next frame on. The packer fills its passes with them at leisure
   * (live cameras). Off: every such zone is answered within the frame, so a file's results do
   * not depend on timing (the default).
   */
  readonly reconfirmInBackground?: boolean;
  /** Context around each zone in its crop, as a fraction of the zone's larger side on every side. */
  readonly cropMargin?: number;
  /** Without a packer: zone crops per side of one detector input (default 4: up to 16 zones per pass). */
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
/**
 * A zone whose pixels did not change keeps its answer this long. A person leaving or sitting down
 * changes the zone, so this only bounds what the change gate might miss (about as long as a
 * presence change takes to confirm by default). At 20 cameras these re-confirmations are nearly
 * all of the detector's work: 10 s gave 29 cameras per core in bench:e2e.
 */
const DEFAULT_RECONFIRM_MS = 20_000;
const DEFAULT_CROP_MARGIN = 0.3;
/**
 * A split zone's tiles each shrink at most this many frame pixels into one tile pixel: at 1.5 the
 * whole classroom-seated frame counts its 4 seated people in every sample (2 and more miss one).
 */
const SPLIT_MAX_DOWNSCALE = 1.5;
/** Context around each part of a split zone, as a fraction of the part's larger side: a person cut by one part is whole in the next. */
const SPLIT_OVERLAP = 0.25;
/** Below this mean luma the frame is night or a dead camera; below this spread it is a flat image. */
const MIN_JUDGEABLE_MEAN = 16;
const MIN_JUDGEABLE_STD = 4;

interface ZoneState {
  readonly zone: ZoneDefinition;
  readonly bounds: Box;
  decision?: ZoneDecision;
  inferredAt: number;
  /** Signature at the detector's last answer; unset before the first and after a frame that could not be judged. */
  signature?: RegionSignature;
  /** A re-confirmation in the background is under way. */
  reconfirming: boolean;
}

export async function createZoneAnalyzer(options: ZoneAnalyzerOptions): Promise<ZoneAnalyzer> {
  const ids = new Set<string>();
  for (const zone of options.zones) {
    if (!isValidPolygon(zone.polygon)) throw new Error(`zone ${zone.id}: polygon needs 3+ points inside 0..1 and a non-zero area`);
    if (ids.has(zone.id)) throw new Error(`zone ${zone.id} is defined twice`);
    ids.add(zone.id);
  }
  const packer = options.packer ?? new MosaicPacker(options.detector ?? (await loadDetector(options.detectorConfig)), options.tilesPerSide);
  return new MosaicZoneAnalyzer(packer, options);
}

class MosaicZoneAnalyzer implements ZoneAnalyzer {
  private readonly states: ZoneState[];
  private readonly thresholds: OccupancyThresholds;
  private readonly change: ChangeThresholds;
  private readonly reconfirmMs: number;
  private readonly cropMargin: number;
  private readonly reconfirmInBackground: boolean;
  /** Bumped by a frame that cannot be judged: background answers from before it are dropped. */
  private epoch = 0;

  constructor(
    readonly packer: MosaicPacker,
    options: ZoneAnalyzerOptions,
  ) {
    this.states = options.zones.map((zone) => ({ zone, bounds: polygonBounds(zone.polygon), inferredAt: -Infinity, reconfirming: false }));
    this.thresholds = { ...DEFAULT_THRESHOLDS, ...options.thresholds };
    this.change = { ...DEFAULT_CHANGE, ...options.change };
    this.reconfirmMs = options.reconfirmMs ?? DEFAULT_RECONFIRM_MS;
    this.cropMargin = options.cropMargin ?? DEFAULT_CROP_MARGIN;
    this.reconfirmInBackground = options.reconfirmInBackground ?? false;
  }

  async analyze(frame: RgbFrame): Promise<ZoneResult[]> {
    assertRgbFrame(frame);
    const luma = lumaStats(frame);
    if (luma.mean < MIN_JUDGEABLE_MEAN || luma.std < MIN_JUDGEABLE_STD) {
      // Nothing learnt from this frame may be reused once the picture comes back.
      for (const state of this.states) state.signature = undefined;
      this.epoch++;
      return this.states.map((s) => ({ zone: s.zone.id, occupied: false, confidence: 0, persons: 0, inferred: false, judgeable: false }));
    }
    const signatures = this.states.map((s) => regionSignature(frame, s.bounds));
    const due = this.states.filter((s, i) => this.changed(s, signatures[i], frame.at));
    // Unchanged, but not to be trusted for long: a doubtful answer, or one due for re-confirmation.
    const stale = this.states.filter(
      (s) => !due.includes(s) && !s.reconfirming && (!s.decision?.confident || frame.at - s.inferredAt >= this.reconfirmMs),
    );
    if (this.reconfirmInBackground) this.reconfirm(frame, stale, signatures);
    else due.push(...stale);
    if (due.length > 0) await this.infer(frame, due, signatures, false);
    const inferred = new Set(due);
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

  /** Zones whose last answer cannot stand: never answered (or lost to an unjudgeable frame), changed since, or time ran backwards. */
  private changed(state: ZoneState, signature: RegionSignature, at: number): boolean {
    return !state.signature || at < state.inferredAt || regionChanged(state.signature, signature, this.change);
  }

  /** Re-confirms `stale` zones without waiting; an answer counts unless a newer one or an unjudgeable frame came first. */
  private reconfirm(frame: RgbFrame, stale: ZoneState[], signatures: RegionSignature[]): void {
    if (stale.length === 0) return;
    const epoch = this.epoch;
    stale.forEach((s) => (s.reconfirming = true));
    this.infer(frame, stale, signatures, true, (s) => this.epoch === epoch && s.inferredAt < frame.at)
      // A failed re-confirmation (a lost pass) leaves the old answer unconfirmed: it may not stand
      // for another frame, so the next one asks the detector and is judged only if it answers.
      .catch(() => stale.forEach((s) => s.inferredAt < frame.at && (s.signature = undefined)))
      .finally(() => stale.forEach((s) => (s.reconfirming = false)));
  }

  private async infer(
    frame: RgbFrame,
    due: ZoneState[],
    signatures: RegionSignature[],
    background: boolean,
    stillWanted: (state: ZoneState) => boolean = () => true,
  ): Promise<void> {
    const tiles = due.map((s) => this.parts(s.zone, frame).map(({ crop, cell }) => ({ ...tileOf(crop, this.packer.tileSize), cell })));
    const flat = tiles.flat();
    const detections = await this.packer.detect(await Promise.all(flat.map((tile) => renderTile(frame, tile))), background);
    let next = 0;
    due.forEach((state, i) => {
      const own = tiles[i].map((tile) => ({ tile, found: detections[next++] }));
      if (!stillWanted(state)) return;
      // A split zone's person counts for the part whose cell holds their centre: once, and whole.
      const persons: PersonBox[] = [];
      for (const { tile, found } of own)
        for (const d of found) {
          const box = d.isPerson ? tileBoxToFrame(d.box, tile, frame.width, frame.height) : undefined;
          if (box && (!tile.cell || centreIn(box, tile.cell))) persons.push({ box, score: d.score });
        }
      const evidence = zoneEvidence(state.zone.polygon, persons, this.thresholds);
      state.decision = decideOccupancy(evidence, state.decision?.occupied ?? false, this.thresholds);
      state.inferredAt = frame.at;
      state.signature = signatures[this.states.indexOf(state)];
    });
  }

  /** The crops the detector sees of a zone: one around it, or a split zone's parts, each with the cell it counts for. */
  private parts(zone: ZoneDefinition, frame: RgbFrame): { crop: PixelRect; cell?: Box }[] {
    if (!zone.split) return [{ crop: zoneCropRect(zone.polygon, frame.width, frame.height, this.cropMargin) }];
    const maxSide = (this.packer.tileSize * SPLIT_MAX_DOWNSCALE) / (1 + 2 * SPLIT_OVERLAP);
    return zoneParts(zone.polygon, frame.width, frame.height, SPLIT_OVERLAP, maxSide);
  }
}
