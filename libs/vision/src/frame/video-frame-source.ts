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
      '-v', 'error', '-select_streams', 'v:0',
      '-show_entries', 'stream=width,height:format=duration',
      '-of', 'json', file,
    ]));
  } catch {
    throw new Error(`not a readable video: ${file}`);
  }
  const info = JSON.parse(stdout) as { streams?: { width?: number; height?: number }[]; format?: { duration?: string } };
  const stream = info.streams?.[0];
  if (!stream?.width || !stream.height) throw new Error(`no video stream in ${file}`);
  return { width: stream.width, height: stream.height, durationSeconds: Number(info.format?.duration ?? 0) };
}

/**
 * Keeps the first frame at or after each multiple of `everySeconds` (the fps filter drops the
 * last sample of a clip). The epsilon absorbs timestamps like 0.99999 for a frame at 1 s.
 */
function sampleFilter(everySeconds: number): string {
  const slot = (t: string) => `floor(${t}/${everySeconds}+1e-6)`;
  return `select='isnan(prev_selected_t)+gte(${slot('t')}-${slot('prev_selected_t')}\\,1)'`;
}

/**
 * Decodes one frame every `everySeconds` from a video file, starting at t=0, as RGB frames whose
 * `at` is the sample time in ms. Only one frame is held at a time; each is dropped after use.
 */
export async function* sampleVideo(file: string, everySeconds: number): AsyncGenerator<RgbFrame> {
  const { width, height } = await probeVideo(file);
  const frameBytes = width * height * 3;
  const ffmpeg = spawn(
    'ffmpeg',
    ['-v', 'error', '-nostdin', '-i', file, '-vf', sampleFilter(everySeconds), '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
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
        // Sample k is the frame at k * everySeconds: the clip is assumed to have no gaps longer than a sample.
        yield { data, width, height, at: Math.round(index++ * everySeconds * 1000) };
      }
    }
    const code = await exited;
    if (code !== 0) throw new Error(`ffmpeg failed on ${file}: ${stderr.trim().split('\n')[0] || `exit ${code}`}`);
  } finally {
    if (ffmpeg.exitCode === null) ffmpeg.kill();
  }
}
