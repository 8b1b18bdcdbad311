import { Injectable } from '@nestjs/common';
import ffmpeg from 'fluent-ffmpeg';
import type { Readable } from 'node:stream';
import { maskCredentials } from '@hallwatch/runtime';
import { captureInputOptions, captureOutputOptions, CaptureSpec } from '../utils/capture-args';
import { JpegSplitter } from '../utils/jpeg-splitter';

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

/** Runs one ffmpeg per camera pulling RTSP and writing sampled JPEGs to a pipe. */
@Injectable()
export class FfmpegRepository {
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
