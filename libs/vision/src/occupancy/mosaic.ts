import sharp from 'sharp';
import { Box } from '../geometry/zone-geometry';
import { RgbFrame } from '../frame/rgb-frame';

export interface PixelRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Where one crop of the frame sits inside the detector input. */
export interface MosaicTile {
  readonly crop: PixelRect;
  /** Top-left of the tile in detector input pixels. */
  readonly left: number;
  readonly top: number;
  readonly size: number;
  /** Detector pixels per frame pixel. */
  readonly scale: number;
}

/**
 * Lays up to tilesPerSide^2 crops on a grid in one square detector input, each scaled to fit its
 * tile with the aspect ratio kept. One detector pass then answers several zones, which is what
 * makes per-zone crops affordable: the pass costs the same whether it holds one zone or nine.
 */
export function layoutMosaic(crops: readonly PixelRect[], inputSize: number, tilesPerSide: number): MosaicTile[] {
  if (crops.length > tilesPerSide * tilesPerSide) throw new Error(`a mosaic holds at most ${tilesPerSide * tilesPerSide} crops`);
  const size = Math.floor(inputSize / tilesPerSide);
  return crops.map((crop, i) => ({
    crop,
    left: (i % tilesPerSide) * size,
    top: Math.floor(i / tilesPerSide) * size,
    size,
    scale: size / Math.max(crop.width, crop.height),
  }));
}

/** Renders the tiles of a layout into one RGB24 image of inputSize pixels a side (gaps stay black). */
export async function renderMosaic(frame: RgbFrame, tiles: readonly MosaicTile[], inputSize: number): Promise<Uint8Array> {
  const out = new Uint8Array(inputSize * inputSize * 3);
  const source = Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength);
  await Promise.all(
    tiles.map(async (tile) => {
      const width = Math.max(1, Math.round(tile.crop.width * tile.scale));
      const height = Math.max(1, Math.round(tile.crop.height * tile.scale));
      const pixels = await sharp(source, { raw: { width: frame.width, height: frame.height, channels: 3 } })
        .extract({ left: tile.crop.x, top: tile.crop.y, width: tile.crop.width, height: tile.crop.height })
        .resize(width, height, { fit: 'fill' })
        .raw()
        .toBuffer();
      for (let row = 0; row < height; row++) {
        out.set(pixels.subarray(row * width * 3, (row + 1) * width * 3), ((tile.top + row) * inputSize + tile.left) * 3);
      }
    }),
  );
  return out;
}

/**
 * Maps a detector box back to frame fractions through the tile that holds its centre, clipped to
 * that tile's crop. Returns undefined for boxes centred in no tile (the black gaps).
 */
export function boxToFrame(
  box: Box,
  tiles: readonly MosaicTile[],
  frameWidth: number,
  frameHeight: number,
): { tile: number; box: Box } | undefined {
  const cx = (box[0] + box[2]) / 2;
  const cy = (box[1] + box[3]) / 2;
  const index = tiles.findIndex(
    (t) => cx >= t.left && cx < t.left + t.crop.width * t.scale && cy >= t.top && cy < t.top + t.crop.height * t.scale,
  );
  if (index < 0) return undefined;
  const t = tiles[index];
  const toX = (v: number) => Math.min(Math.max((v - t.left) / t.scale, 0), t.crop.width) + t.crop.x;
  const toY = (v: number) => Math.min(Math.max((v - t.top) / t.scale, 0), t.crop.height) + t.crop.y;
  return {
    tile: index,
    box: [toX(box[0]) / frameWidth, toY(box[1]) / frameHeight, toX(box[2]) / frameWidth, toY(box[3]) / frameHeight],
  };
}
