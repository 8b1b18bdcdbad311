/**
 * `npm run bench:vision`: cost of zone occupancy on the classroom clip (7 zones) with each detector
 * backend that starts here (onnx, tfjs-node, wasm; the plain JS cpu one is too slow to matter),
 * pinned to one core (taskset -c 0, one thread). Footage: Intel IoT devkit sample-videos, CC BY 4.0.
 */
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import {
  createZoneAnalyzer,
  Detector,
  DetectorBackend,
  loadDetector,
  maskOutsideZones,
  readZonesFile,
  RgbFrame,
  sampleVideo,
  ZoneAnalyzer,
} from '@hallwatch/vision';

const MEDIA = path.resolve(__dirname, '..', '..', 'test', 'media');
const VIDEO = path.join(MEDIA, 'classroom-seated.mp4');
/** The 30 s clip is replayed this many times so the steady state covers several re-confirmations. */
const PASSES = 3;
/** Frame widths the evidence mask is timed at: the clip's own, the default analysisWidth (frames as ingestion sends them), larger streams. */
const MASK_WIDTHS = [480, 640, 1280, 1920];
const MASK_RUNS = 20;
const BACKENDS: DetectorBackend[] = ['onnx', 'tfjs-node', 'wasm'];
/** Detector passes timed per backend, on the mosaics of the cold run. */
const PASS_RUNS = 20;

/** Mean time to mask one evidence frame of the clip, scaled to `width`, outside the clip's zones. */
async function maskMs(frame: RgbFrame, width: number, zones: { polygon: readonly (readonly [number, number])[] }[]): Promise<number> {
  const jpeg = await sharp(Buffer.from(frame.data), { raw: { width: frame.width, height: frame.height, channels: 3 } })
    .resize({ width })
    .jpeg({ quality: 90 })
    .toBuffer();
  const polygons = zones.map((z) => z.polygon);
  await maskOutsideZones(jpeg, polygons);
  const start = performance.now();
  for (let i = 0; i < MASK_RUNS; i++) await maskOutsideZones(jpeg, polygons);
  return (performance.now() - start) / MASK_RUNS;
}

async function timePerSample(analyzer: ZoneAnalyzer, frames: RgbFrame[]): Promise<{ ms: number[]; inferredZones: number }> {
  const ms: number[] = [];
  let inferredZones = 0;
  for (const frame of frames) {
    const start = performance.now();
    const results = await analyzer.analyze(frame);
    ms.push(performance.now() - start);
    inferredZones += results.filter((r) => r.inferred).length;
  }
  return { ms, inferredZones };
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const fixed = (value: number) => value.toFixed(1);

/** The detector, keeping the inputs of its first passes. */
function recording(detector: Detector, inputs: Uint8Array[]): Detector {
  return {
    name: detector.name,
    backend: detector.backend,
    inputSize: detector.inputSize,
    detect(rgb) {
      if (inputs.length < PASS_RUNS) inputs.push(rgb.slice());
      return detector.detect(rgb);
    },
  };
}

async function benchBackend(backend: DetectorBackend, zones: Awaited<ReturnType<typeof readZonesFile>>, frames: RgbFrame[]): Promise<void> {
  const logged: string[] = [];
  const loadStart = performance.now();
  const detector = await loadDetector({ backend, threads: 1, log: (m) => logged.push(m) });
  const loadMs = performance.now() - loadStart;
  if (detector.backend !== backend) {
    console.log(`${backend}: not available here (${logged[0]})`);
    return;
  }
  console.log(logged.at(-1));

  // reconfirmMs 0 makes every zone due on every sample: the cost without change gating.
  const mosaics: Uint8Array[] = [];
  const cold = await timePerSample(await createZoneAnalyzer({ zones, detector: recording(detector, mosaics), reconfirmMs: 0 }), frames);
  // CPU time too: wall time on a shared machine also counts the others' work.
  const [passStart, cpuStart] = [performance.now(), process.cpuUsage()];
  for (const mosaic of mosaics) await detector.detect(mosaic);
  const passMs = (performance.now() - passStart) / mosaics.length;
  const cpu = process.cpuUsage(cpuStart);
  const passCpuMs = (cpu.user + cpu.system) / 1000 / mosaics.length;
  const gated = await timePerSample(await createZoneAnalyzer({ zones, detector }), frames);
  // The first gated sample is a cold start; the steady state is everything after it.
  const steadyMs = mean(gated.ms.slice(1));

  console.log(`  model load: ${fixed(loadMs)} ms (backend start, model from disk, warm-up pass)`);
  console.log(
    `  detector pass: ${fixed(passMs)} ms, ${fixed(passCpuMs)} ms of CPU (${detector.name} ${detector.inputSize}x${detector.inputSize} mosaic of ${zones.length} zones, mean of ${mosaics.length})`,
  );
  console.log(`  cold sample: ${fixed(mean(cold.ms))} ms (every zone inferred; ${fixed(1000 / mean(cold.ms))} samples/s)`);
  console.log(
    `  steady sample: ${fixed(steadyMs)} ms (change gating; ${gated.inferredZones} of ${frames.length * zones.length} zone answers inferred; ${fixed(1000 / steadyMs)} samples/s)`,
  );
}

async function main(): Promise<void> {
  const zones = await readZonesFile(path.join(MEDIA, 'classroom-seated.zones.json'));
  const clip: RgbFrame[] = [];
  for await (const frame of sampleVideo(VIDEO, 1)) clip.push(frame);
  const clipMs = clip.length * 1000;
  const frames = Array.from({ length: PASSES }, (_, pass) => clip.map((f) => ({ ...f, at: f.at + pass * clipMs }))).flat();

  console.log(
    `footage: ${path.basename(VIDEO)}, ${zones.length} zones, ${frames.length} samples (1 s apart) — Intel IoT devkit sample-videos, CC BY 4.0`,
  );
  for (const backend of BACKENDS) await benchBackend(backend, zones, frames);
  for (const width of MASK_WIDTHS)
    console.log(
      `evidence mask (outside ${zones.length} zones), ${width} px wide: ${fixed(await maskMs(clip[0], width, zones))} ms per frame`,
    );
}

main().catch((error: Error) => {
  console.error(`bench:vision: ${error.message}`);
  process.exit(1);
});
