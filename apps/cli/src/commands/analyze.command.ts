import { Command, InvalidArgumentError } from 'commander';

interface AnalyzeOptions {
  zones: string;
  every: number;
  jsonl?: boolean;
}

/** Shortest period between samples: finer than a frame of a 100 fps clip means nothing. */
export const MIN_EVERY_SECONDS = 0.01;

/** --every: a number of seconds, at least MIN_EVERY_SECONDS (0, 1e-9, "abc" are refused). */
export function sampleSeconds(value: string): number {
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds < MIN_EVERY_SECONDS) {
    throw new InvalidArgumentError(`must be a number of seconds, at least ${MIN_EVERY_SECONDS}`);
  }
  return seconds;
}

/**
 * `hallwatch analyze VIDEO --zones ZONES.json`: runs zone occupancy on a recorded clip, one JSON
 * object per zone per sample, so a camera's zones can be checked before going live.
 */
export function registerAnalyzeCommand(program: Command): void {
  program
    .command('analyze')
    .description('report, every few seconds of a recorded video, whether each zone is occupied')
    .argument('<video>', 'video file (anything ffmpeg reads)')
    .requiredOption('--zones <file>', 'zones JSON: {"zones":[{"id":"A","polygon":[[x,y],...]}]} in frame fractions')
    .option('--every <seconds>', 'seconds between samples, the first at t=0', sampleSeconds, 1)
    .option('--jsonl', 'compact JSON lines (default: one spaced JSON object per line)')
    .action(async (video: string, options: AnalyzeOptions) => {
      try {
        await analyze(video, options);
      } catch (error) {
        process.stderr.write(`hallwatch analyze: ${(error as Error).message.split('\n')[0]}\n`);
        process.exit(1);
      }
    });
}

async function analyze(video: string, options: AnalyzeOptions): Promise<void> {
  // Loaded here, not at the top: TensorFlow.js is heavy and the other commands never need it.
  const { createZoneAnalyzer, probeVideo, readZonesFile, sampleVideo } = await import('@hallwatch/vision');
  const { detectorBackend: backend } = (await import('@hallwatch/config')).readEnv();
  // Check both inputs before the model loads, so mistakes fail fast.
  const zones = await readZonesFile(options.zones);
  await probeVideo(video);
  const analyzer = await createZoneAnalyzer({
    zones,
    detectorConfig: { backend, log: (message) => process.stderr.write(`${message}\n`) },
  });
  for await (const frame of sampleVideo(video, options.every)) {
    // The frame's own time (ms) in seconds, to the millisecond.
    const t = Math.round(frame.at) / 1000;
    for (const result of await analyzer.analyze(frame)) {
      const line = { t, zone: result.zone, occupied: result.occupied, confidence: result.confidence };
      process.stdout.write(`${options.jsonl ? JSON.stringify(line) : JSON.stringify(line).replace(/,"/g, ', "').replace(/":/g, '": ')}\n`);
    }
  }
}
