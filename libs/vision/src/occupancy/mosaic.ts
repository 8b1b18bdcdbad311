import sharp from 'sharp';
import { Detection, Detector } from '../detector/detector.interface';
import { Box } from '../geometry/zone-geometry';
import { RgbFrame } from '../frame/rgb-frame';

export interface PixelRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** One crop of a frame scaled to fit a square tile of the detector input, aspect kept, at the tile's top-left. */
export interface MosaicTile {
  readonly crop: PixelRect;
  /** Side of the tile in detector input pixels. */
  readonly size: number;
  /** Detector pixels per frame pixel. */
  readonly scale: number;
}

export function tileOf(crop: PixelRect, size: number): MosaicTile {
  return { crop, size, scale: size / Math.max(crop.width, crop.height) };
}

/** Renders a tile as RGB24 of `tile.size` pixels a side (the padding beside a narrow crop stays black). */
export async function renderTile(frame: RgbFrame, tile: MosaicTile): Promise<Uint8Array> {
  const out = new Uint8Array(tile.size * tile.size * 3);
  const width = Math.max(1, Math.round(tile.crop.width * tile.scale));
  const height = Math.max(1, Math.round(tile.crop.height * tile.scale));
  const source = Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength);
  const pixels = await sharp(source, { raw: { width: frame.width, height: frame.height, channels: 3 } })
    .extract({ left: tile.crop.x, top: tile.crop.y, width: tile.crop.width, height: tile.crop.height })
    .resize(width, height, { fit: 'fill' })
    .raw()
    .toBuffer();
  for (let row = 0; row < height; row++) out.set(pixels.subarray(row * width * 3, (row + 1) * width * 3), row * tile.size * 3);
  return out;
}

/**
 * Maps a box in tile pixels back to frame fractions, clipped to the tile's crop. Returns undefined
 * for a box centred in the padding.
 */
export function tileBoxToFrame(box: Box, tile: MosaicTile, frameWidth: number, frameHeight: number): Box | undefined {
  const cx = (box[0] + box[2]) / 2;
  const cy = (box[1] + box[3]) / 2;
  if (cx < 0 || cy < 0 || cx >= tile.crop.width * tile.scale || cy >= tile.crop.height * tile.scale) return undefined;
  const toX = (v: number) => Math.min(Math.max(v / tile.scale, 0), tile.crop.width) + tile.crop.x;
  const toY = (v: number) => Math.min(Math.max(v / tile.scale, 0), tile.crop.height) + tile.crop.y;
  return [toX(box[0]) / frameWidth, toY(box[1]) / frameHeight, toX(box[2]) / frameWidth, toY(box[3]) / frameHeight];
}

/** How long a pass with free tiles waits for more to join it, from its oldest urgent tile. */
const DEFAULT_GATHER_MS = 100;
/**
 * How long tiles that are not urgent (re-confirmations, doubtful zones) may wait for a pass to
 * fill, from the oldest: long enough that a few cameras fill all 16 tiles (1.5 s gave passes of
 * 9 at 20 cameras), short next to the 20 s re-confirmation interval.
 */
const DEFAULT_BACKGROUND_WAIT_MS = 4000;

interface WaitingTile {
  readonly pixels: Uint8Array;
  readonly background: boolean;
  readonly since: number;
  readonly resolve: (detections: Detection[]) => void;
  readonly reject: (err: unknown) => void;
}

export interface PackerTiming {
  /** How long a pass with free tiles waits for more to join it, from its oldest urgent tile (ms). */
  readonly gatherMs?: number;
  /** How long background tiles wait for a pass to fill, from the oldest (ms). */
  readonly backgroundWaitMs?: number;
}

/**
 * Runs a detector on mosaics of up to tilesPerSide^2 tiles taken from any frames of any cameras.
 * A pass costs the same whether it holds one tile or sixteen, so sharing passes is what makes
 * per-zone crops affordable. A pass starts once it is full, or gatherMs after its oldest urgent
 * tile arrived (frames decoded meanwhile join it); background tiles fill free places in any pass
 * and run on their own only after backgroundWaitMs. One pass runs at a time.
 */
export class MosaicPacker {
  readonly tileSize: number;
  /** Detector passes so far. */
  passes = 0;
  /** Tiles given to the detector so far. */
  tiles = 0;
  private readonly capacity: number;
  private readonly gatherMs: number;
  private readonly backgroundWaitMs: number;
  private waiting: WaitingTile[] = [];
  private running = false;
  private wake?: () => void;

  constructor(
    private readonly detector: Detector,
    /** 4: 128-pixel tiles in CenterNet's 512 input, which still answer every clip of test/media (5 does not). */
    private readonly tilesPerSide = 4,
    timing: PackerTiming = {},
  ) {
    if (!Number.isInteger(tilesPerSide) || tilesPerSide < 1) throw new Error('tilesPerSide must be a positive whole number');
    this.tileSize = Math.floor(detector.inputSize / tilesPerSide);
    this.capacity = tilesPerSide * tilesPerSide;
    this.gatherMs = timing.gatherMs ?? DEFAULT_GATHER_MS;
    this.backgroundWaitMs = timing.backgroundWaitMs ?? DEFAULT_BACKGROUND_WAIT_MS;
  }

  /** Detections of each tile (RGB24, tileSize pixels a side), in tile pixels. */
  detect(tiles: readonly Uint8Array[], background = false): Promise<Detection[][]> {
    if (tiles.some((pixels) => pixels.length !== this.tileSize * this.tileSize * 3)) {
      return Promise.reject(new Error(`a tile must be ${this.tileSize}x${this.tileSize} RGB24`));
    }
    const since = Date.now();
    const answers = tiles.map(
      (pixels) => new Promise<Detection[]>((resolve, reject) => this.waiting.push({ pixels, background, since, resolve, reject })),
    );
    this.wake?.();
    if (!this.running) {
      this.running = true;
      void this.pump();
    }
    return Promise.all(answers);
  }

  /** When the next pass should start: now when full, else after the urgent gather or the background wait. */
  private startAt(): number {
    if (this.waiting.length >= this.capacity) return 0;
    const urgent = this.waiting.find((t) => !t.background);
    return urgent ? urgent.since + this.gatherMs : Math.min(...this.waiting.map((t) => t.since)) + this.backgroundWaitMs;
  }

  private async pump(): Promise<void> {
    while (this.waiting.length > 0) {
      const delay = this.startAt() - Date.now();
      if (delay > 0) {
        // New tiles may fill the pass or make it urgent: look again when they come.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
        continue;
      }
      // Urgent tiles first, each kind in arrival order.
      const order = [...this.waiting.filter((t) => !t.background), ...this.waiting.filter((t) => t.background)];
      const batch = order.slice(0, this.capacity);
      this.waiting = order.slice(this.capacity);
      try {
        const detections = await this.detector.detect(this.compose(batch));
        const perTile = this.distribute(detections, batch.length);
        batch.forEach((tile, i) => tile.resolve(perTile[i]));
      } catch (err) {
        batch.forEach((tile) => tile.reject(err));
      }
      this.passes++;
      this.tiles += batch.length;
    }
    this.running = false;
  }
  private compose(batch: readonly WaitingTile[]): Uint8Array {
    const input = this.detector.inputSize;
    const out = new Uint8Array(input * input * 3);
    const rowBytes = this.tileSize * 3;
    batch.forEach(({ pixels }, i) => {
      const left = (i % this.tilesPerSide) * this.tileSize;
      const top = Math.floor(i / this.tilesPerSide) * this.tileSize;
      for (let row = 0; row < this.tileSize; row++) {
        out.set(pixels.subarray(row * rowBytes, (row + 1) * rowBytes), ((top + row) * input + left) * 3);
      }
    });
    return out;
  }

  /**
   * Gives each detection to the tile holding its centre, in that tile's pixels (the black gaps hold
   * none): the same person seen smaller in a neighbour's tile would otherwise count twice.
   */
  private distribute(detections: readonly Detection[], tiles: number): Detection[][] {
    const perTile: Detection[][] = Array.from({ length: tiles }, () => []);
    for (const d of detections) {
      const column = Math.floor((d.box[0] + d.box[2]) / 2 / this.tileSize);
      const row = Math.floor((d.box[1] + d.box[3]) / 2 / this.tileSize);
      const index = row * this.tilesPerSide + column;
      if (column < 0 || column >= this.tilesPerSide || row < 0 || index >= tiles) continue;
      const [dx, dy] = [column * this.tileSize, row * this.tileSize];
      perTile[index].push({ ...d, box: [d.box[0] - dx, d.box[1] - dy, d.box[2] - dx, d.box[3] - dy] });
    }
    return perTile;
  }
}
