/** What one camera's capture needs to know to build its ffmpeg command. */
export interface CaptureSpec {
  sampleEverySeconds: number;
  /** Width frames are scaled down to (keeping the aspect; never scaled up). */
  analysisWidth: number;
  /** The stream's keyframe interval when known. */
  keyframeEverySeconds?: number;
  /** Socket I/O timeout: ffmpeg gives up on a silent server after this long. */
  ioTimeoutSeconds?: number;
}

/** A keyframe interval this much longer than the sample interval still counts as one per sample. */
const KEYFRAME_SLACK = 1.1;

/**
 * Keyframes alone are enough when samples are at least one keyframe interval apart (give or take
 * the 10% by which a learned interval jitters). Decoding only keyframes is what makes a camera cost
 * well under 1% of a core.
 */
export function decodeKeyframesOnly(spec: CaptureSpec): boolean {
  return spec.keyframeEverySeconds !== undefined && spec.keyframeEverySeconds <= spec.sampleEverySeconds * KEYFRAME_SLACK;
}

/**
 * The filter graph: keep a frame when (nearly) one sample interval has passed since the last kept
 * one, then scale. `select` (not `fps`) so a stalled stream is never padded with stale duplicates.
 * Stamps are arrival times, which jitter: of every frame decoded, one arriving up to 10% early is
 * kept; of keyframes only, one arriving up to half a keyframe interval early (a keyframe skipped
 * for arriving 0.1 s early would leave a gap of two intervals).
 */
export function sampleFilter(spec: CaptureSpec): string {
  const early = decodeKeyframesOnly(spec) ? spec.keyframeEverySeconds! / 2 : spec.sampleEverySeconds * 0.1;
  const gap = +(spec.sampleEverySeconds - early).toFixed(3);
  return [`select='isnan(prev_selected_t)+gte(t-prev_selected_t\\,${gap})'`, `scale='min(${spec.analysisWidth}\\,iw)':-2`].join(',');
}

/**
 * ffmpeg options before `-i URL`: RTSP over TCP and video only (a camera's audio track is never set
 * up, so never received), a socket timeout, cheap single-thread decoding.
 */
export function captureInputOptions(spec: CaptureSpec): string[] {
  const timeoutUs = Math.round((spec.ioTimeoutSeconds ?? 10) * 1e6);
  return [
    '-nostdin',
    '-loglevel',
    'error',
    '-rtsp_transport',
    'tcp',
    '-allowed_media_types',
    'video',
    // Arrival time, not the camera's RTP clock: camera clocks jump, and sampling must follow real time.
    '-use_wallclock_as_timestamps',
    '1',
    '-timeout',
    String(timeoutUs),
    '-threads',
    '1',
    ...(decodeKeyframesOnly(spec) ? ['-skip_frame', 'nokey'] : []),
  ];
}

/** The file descriptor on which ffmpeg writes each sample's luma plane (see captureOutputOptions). */
export const GREY_FD = 3;

/**
 * ffmpeg options after the input, outputs included: each sampled, scaled frame twice, as a JPEG on
 * stdout (what is published) and as its luma plane, a PGM on fd GREY_FD (what the freeze watch
 * compares; decoding the JPEG again in Node cost more than ffmpeg's whole scale and encode).
 */
export function captureOutputOptions(spec: CaptureSpec): string[] {
  const each = ['-fps_mode', 'passthrough', '-f', 'image2pipe'];
  // stdout last: fluent-ffmpeg names that output's target itself (see FfmpegRepository.capture).
  return [
    '-filter_complex',
    `[0:v:0]${sampleFilter(spec)},split[jpeg][grey];[grey]extractplanes=y[luma]`,
    ...['-map', '[luma]', '-c:v', 'pgm', ...each, `pipe:${GREY_FD}`],
    ...['-map', '[jpeg]', '-c:v', 'mjpeg', '-q:v', '5', ...each, 'pipe:1'],
  ];
}
