import { spawn, execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { promisify } from 'node:util';
import { RgbFrame } from './rgb-frame';

const execFileAsync = promisify(execFile);

export interface VideoInfo {
  readonly width: number;
  readonly height: number;
  readonly durationSeconds: number;
}

/** Reads the size and duration of the first video stream; throws a one-line reason when the file is not a readable video. */
export async function probeVideo(file: string): Promise<VideoInfo> {
  try {
    await fs.access(file);
  } catch {
    throw new Error(`cannot read video ${file}`);
  }
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync('ffprobe', [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=width,height:format=duration',
      '-of',
      'json',
      file,
    ]));
  } catch {
    throw new Error(`not a readable video: ${file}`);
  }
  const info = JSON.parse(stdout) as { streams?: { width?: number; height?: number }[]; format?: { duration?: string } };
  const stream = info.streams?.[0];
  if (!stream?.width || !stream.height) throw new Error(`no video stream in ${file}`);
  return { width: stream.width, height: stream.height, durationSeconds: Number(info.format?.duration ?? 0) };
}

/** The sample slot a time falls in; the epsilon absorbs timestamps like 0.99999 for a frame at 1 s. */
const SLOT = (t: string, everySeconds: number) => `floor(${t}/${everySeconds}+1e-6)`;

/**
 * Keeps the first frame at or after each multiple of `everySeconds` (the fps filter drops the
 * last sample of a clip). selectedTimes makes the same choice from the frames' times.
 */
function sampleFilter(everySeconds: number): string {
  return `select='isnan(prev_selected_t)+gte(${SLOT('t', everySeconds)}-${SLOT('prev_selected_t', everySeconds)}\\,1)'`;
}

/** The times (s) of the frames sampleFilter keeps, from the times of all frames. */
export function selectedTimes(frameTimes: number[], everySeconds: number): number[] {
  const slot = (t: number) => Math.floor(t / everySeconds + 1e-6);
  const kept: number[] = [];
  for (const t of [...frameTimes].sort((a, b) => a - b)) {
    if (kept.length === 0 || slot(t) - slot(kept[kept.length - 1]) >= 1) kept.push(t);
  }
  return kept;
}

/** Presentation times (s) of every frame of the first video stream, read from its packets (no decoding). */
async function frameTimes(file: string): Promise<number[]> {
  const { stdout } = await execFileAsync(
    'ffprobe',
    ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', file],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout
    .split('\n')
    .map((line) => Number.parseFloat(line))
    .filter((t) => Number.isFinite(t));
}

/**
 * Decodes one frame every `everySeconds` from a video file, starting at t=0, as RGB frames whose
 * `at` is the frame's own presentation time in ms. Only one frame is held at a time.
 */
export async function* sampleVideo(file: string, everySeconds: number): AsyncGenerator<RgbFrame> {
  const { width, height } = await probeVideo(file);
  const times = selectedTimes(await frameTimes(file), everySeconds);
  const frameBytes = width * height * 3;
  const ffmpeg = spawn(
    'ffmpeg',
    [
      '-v',
      'error',
      '-nostdin',
      '-i',
      file,
      '-vf',
      sampleFilter(everySeconds),
      '-fps_mode',
      'passthrough',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      'pipe:1',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  ffmpeg.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => ffmpeg.on('close', resolve));
  let pending: Buffer = Buffer.alloc(0);
  let index = 0;
  try {
    for await (const chunk of ffmpeg.stdout as AsyncIterable<Buffer>) {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      while (pending.length >= frameBytes) {
        const data = new Uint8Array(pending.subarray(0, frameBytes));
        pending = pending.subarray(frameBytes);
        // ffmpeg keeps the frames selectedTimes picks, in the same order; past them (a clip whose
        // packets lack times), fall back to the slot's own time.
        const t = times[index] ?? index * everySeconds;
        index++;
        yield { data, width, height, at: Math.round(t * 1000) };
      }
    }
    const code = await exited;
    if (code !== 0) throw new Error(`ffmpeg failed on ${file}: ${stderr.trim().split('\n')[0] || `exit ${code}`}`);
  } finally {
    if (ffmpeg.exitCode === null) ffmpeg.kill();
  }
}
