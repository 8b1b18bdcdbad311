import { Injectable } from '@nestjs/common';
import ffmpeg from 'fluent-ffmpeg';
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { maskCredentials } from '@hallwatch/runtime';
import { captureInputOptions, captureOutputOptions, CaptureSpec } from '../utils/capture-args';
import { JpegSplitter } from '../utils/jpeg-splitter';
import { keyframeSpacing, KEYFRAMES_WANTED, parsePacketLine, parseStreamDescription, probeArgs, StreamProbe } from '../utils/stream-probe';

export interface CaptureListener {
  /** One sampled, scaled JPEG, in memory only (frames are never written to disk). */
  frame(jpeg: Buffer): void;
  /** ffmpeg ended; the reason is safe to log (credentials masked). Called once. */
  ended(reason: string): void;
}

export interface Capture {
  /** Kills ffmpeg; `ended` still follows. */
  stop(): void;
  /** Operating-system process id of ffmpeg, when it is running. */
  readonly pid: number | undefined;
}

/** Runs one ffmpeg per camera pulling RTSP and writing sampled JPEGs to a pipe; ffprobe looks at streams. */
@Injectable()
export class FfmpegRepository {
  /**
   * Watches a stream's packets with ffprobe (nothing decoded) for `seconds` from its first packet,
   * or until KEYFRAMES_WANTED keyframes: codec, size and the keyframe interval. Rejects with
   * ffprobe's own last error line (credentials masked) when no packet came, e.g. the server refused
   * or stayed silent for the I/O timeout.
   */
  probe(url: string, seconds: number, ioTimeoutSeconds = 10): Promise<StreamProbe> {
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
      child.stdout.on('data', (d: Buffer) => {
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
      child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d).slice(-8000)));
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
        const last = stderr.trim().split('\n').filter(Boolean).pop();
        fail(code === 0 ? 'the stream has no video packets' : (last ?? `no answer within ${seconds + ioTimeoutSeconds} s`));
      });
    });
  }

  capture(url: string, spec: CaptureSpec, listener: CaptureListener): Capture {
    const splitter = new JpegSplitter();
    let ended = false;
    let pid: number | undefined;
    const end = (reason: string) => {
      if (ended) return;
      ended = true;
      listener.ended(maskCredentials(reason).replace(/\s+/g, ' ').trim().slice(0, 300));
    };
    const command = ffmpeg(url)
      .inputOptions(captureInputOptions(spec))
      .outputOptions(captureOutputOptions(spec))
      .on('start', () => (pid = (command as unknown as { ffmpegProc?: { pid?: number } }).ffmpegProc?.pid))
      .on('error', (err: Error, _stdout: string | null, stderr: string | null) => {
        // ffmpeg's own last line says why (e.g. "Connection refused"), better than its exit code.
        const last = (stderr ?? '').trim().split('\n').filter(Boolean).pop();
        end(last ? `ffmpeg: ${last}` : err.message);
      })
      .on('end', () => end('stream ended'));
    const output = command.pipe() as Readable;
    output.on('data', (chunk: Buffer) => {
      for (const jpeg of splitter.push(chunk)) listener.frame(jpeg);
    });
    output.on('error', (err) => end(`ffmpeg output: ${err.message}`));
    return {
      stop: () => command.kill('SIGKILL'),
      get pid() {
        return pid;
      },
    };
  }
}
