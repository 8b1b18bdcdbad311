import { Injectable, Optional } from '@nestjs/common';
import { ChildProcess, spawn, SpawnOptions } from 'node:child_process';
import ffmpeg, { FfmpegCommand } from 'fluent-ffmpeg';
import type { Readable } from 'node:stream';
import { InjectContext, maskCredentials, ServiceContext } from '@hallwatch/runtime';
import { captureInputOptions, captureOutputOptions, CaptureSpec, GREY_FD } from '../utils/capture-args';
import type { Picture } from '../utils/freeze-watch';
import { JpegSplitter } from '../utils/jpeg-splitter';
import { PgmSplitter } from '../utils/pgm-splitter';
import { Slots } from '../utils/slots';
import { keyframeSpacing, KEYFRAMES_WANTED, parsePacketLine, parseStreamDescription, probeArgs, StreamProbe } from '../utils/stream-probe';

/**
 * Samples one output may be ahead of the other: they are written together, one pair per sample,
 * so more means ffmpeg's outputs no longer pair up (never seen; the capture is ended then).
 */
const MAX_UNPAIRED = 3;

/** ffprobes of one process at once (each a few seconds of an RTSP session; see FfmpegRepository.probe). */
const PROBES_AT_ONCE = 8;

/** The last non-empty line of ffmpeg's or ffprobe's stderr: its own reason for failing. */
const lastLine = (stderr: string) => stderr.trim().split('\n').filter(Boolean).pop();

export interface CaptureListener {
  /** One sampled, scaled frame as JPEG and as its luma plane, in memory only (frames are never written to disk). */
  frame(jpeg: Buffer, picture: Picture): void;
  /** ffmpeg ended; the reason is safe to log (credentials masked). Called once. */
  ended(reason: string): void;
}

export interface Capture {
  /** Kills ffmpeg; `ended` still follows. */
  stop(): void;
  /** Operating-system process id of ffmpeg, when it is running. */
  readonly pid: number | undefined;
}

/** Runs one ffmpeg per camera pulling RTSP and writing sampled frames to pipes; ffprobe looks at streams. */
@Injectable()
export class FfmpegRepository {
  /** A district's cameras all start at once: 120 ffprobes together saturated two cores (deploy/README.md, Sizing). */
  private readonly probes = new Slots(PROBES_AT_ONCE);

  /** Without a context (the CLI's probes), captures run at niceness 0. */
  constructor(@Optional() @InjectContext() private readonly ctx?: ServiceContext) {}

  /**
   * Watches a stream's packets with ffprobe (nothing decoded) for `seconds` from its first packet,
   * or until KEYFRAMES_WANTED keyframes: codec, size and the keyframe interval. Rejects with
   * ffprobe's own last error line (credentials masked) when no packet came, e.g. the server refused
   * or stayed silent for the I/O timeout. At most PROBES_AT_ONCE run at once; the others wait.
   */
  probe(url: string, seconds: number, ioTimeoutSeconds = 10): Promise<StreamProbe> {
    return this.probes.run(() => this.probeNow(url, seconds, ioTimeoutSeconds));
  }

  private probeNow(url: string, seconds: number, ioTimeoutSeconds: number): Promise<StreamProbe> {
    return new Promise((resolve, reject) => {
      const child = spawn('ffprobe', probeArgs(url, ioTimeoutSeconds), { stdio: ['ignore', 'pipe', 'pipe'] });
      const keyframeTimes: number[] = [];
      let keyframes = 0;
      let packets = 0;
      let partial = '';
      let stderr = '';
      let looking: NodeJS.Timeout | undefined;
      const stop = () => child.kill('SIGKILL');
      const overall = setTimeout(stop, (seconds + ioTimeoutSeconds + 5) * 1000);
      child.stdout!.on('data', (d: Buffer) => {
        const lines = (partial + d).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) {
          const packet = parsePacketLine(line);
          if (!packet) continue;
          if (packets++ === 0) looking = setTimeout(stop, seconds * 1000);
          if (!packet.keyframe) continue;
          keyframes++;
          if (packet.pts !== undefined) keyframeTimes.push(packet.pts);
          if (keyframeTimes.length >= KEYFRAMES_WANTED) stop();
        }
      });
      child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d).slice(-8000)));
      const fail = (why: string) => reject(new Error(maskCredentials(`ffprobe: ${why}`).replace(/\s+/g, ' ').trim().slice(0, 300)));
      child.on('error', (err) => {
        clearTimeout(overall);
        fail(err.message);
      });
      child.on('close', (code) => {
        clearTimeout(overall);
        clearTimeout(looking);
        if (packets > 0) {
          return resolve({ ...parseStreamDescription(stderr), keyframes, keyframeEverySeconds: keyframeSpacing(keyframeTimes) });
        }
        const last = lastLine(stderr);
        fail(code === 0 ? 'the stream has no video packets' : (last ?? `no answer within ${seconds + ioTimeoutSeconds} s`));
      });
    });
  }

  /**
   * Runs ingestion's ffmpeg command on `url` until it ends or is stopped: JPEGs from stdout and
   * luma planes from fd GREY_FD, paired in order (ffmpeg writes one of each per sample). ffmpeg
   * runs at HALLWATCH_FFMPEG_NICENESS (see HallwatchEnv.ffmpegNiceness).
   */
  capture(url: string, spec: CaptureSpec, listener: CaptureListener): Capture {
    const outputs = captureOutputOptions(spec);
    const command = ffmpeg(url, { niceness: this.ctx?.env.ffmpegNiceness ?? 0 })
      .inputOptions(captureInputOptions(spec))
      .outputOptions(outputs.slice(0, -1)) // the luma output whole, then stdout's options: its target is the pipe below
      .on('error', (err: Error, _stdout: string | null, stderr: string | null) => {
        // ffmpeg's own last line says why (e.g. "Connection refused"), better than its exit code.
        const last = lastLine(stderr ?? '');
        end(last ? `ffmpeg: ${last}` : err.message);
      })
      .on('end', () => end('stream ended'));
    withGreyPipe(command);
    let ended = false;
    const end = (reason: string) => {
      if (ended) return;
      ended = true;
      command.kill('SIGKILL');
      listener.ended(maskCredentials(reason).replace(/\s+/g, ' ').trim().slice(0, 300));
    };
    const jpegs: Buffer[] = [];
    const pictures: Picture[] = [];
    const deliver = () => {
      while (jpegs.length > 0 && pictures.length > 0 && !ended) listener.frame(jpegs.shift()!, pictures.shift()!);
      if (Math.max(jpegs.length, pictures.length) > MAX_UNPAIRED)
        end(`ffmpeg: ${jpegs.length} JPEG(s) and ${pictures.length} luma plane(s) out of step`);
    };
    const jpegSplitter = new JpegSplitter();
    const output = command.pipe() as Readable;
    output.on('data', (chunk: Buffer) => {
      jpegs.push(...jpegSplitter.push(chunk));
      deliver();
    });
    output.on('error', (err) => end(`ffmpeg output: ${err.message}`));
    const pgmSplitter = new PgmSplitter();
    let process: ChildProcess | undefined;
    command.on('start', () => {
      process = (command as unknown as { ffmpegProc: ChildProcess }).ffmpegProc;
      (process.stdio[GREY_FD] as Readable).on('data', (chunk: Buffer) => {
        try {
          pictures.push(...pgmSplitter.push(chunk));
        } catch (err) {
          return end(`ffmpeg grey output: ${(err as Error).message}`);
        }
        deliver();
      });
    });
    return {
      stop: () => command.kill('SIGKILL'),
      get pid() {
        return process && process.exitCode === null && process.signalCode === null ? process.pid : undefined;
      },
    };
  }
}

type SpawnFfmpeg = (args: string[], options: SpawnOptions, ...callbacks: unknown[]) => void;

/**
 * Gives the command's ffmpeg one more pipe, fd GREY_FD, for the luma planes: fluent-ffmpeg opens
 * only stdin, stdout and stderr, and takes spawn options from nobody. Its `_spawnFfmpeg` passes
 * them on to spawn (fluent-ffmpeg 2.1, whose API is frozen).
 */
function withGreyPipe(command: FfmpegCommand): void {
  const inner = command as unknown as { _spawnFfmpeg: SpawnFfmpeg };
  const spawnFfmpeg = inner._spawnFfmpeg.bind(command);
  inner._spawnFfmpeg = (args, options, ...callbacks) =>
    spawnFfmpeg(args, { ...options, stdio: Array<'pipe'>(GREY_FD + 1).fill('pipe') }, ...callbacks);
}
