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

/** ffmpeg options before `-i URL`: RTSP over TCP, a socket timeout, cheap single-thread decoding. */
export function captureInputOptions(spec: CaptureSpec): string[] {
  const timeoutUs = Math.round((spec.ioTimeoutSeconds ?? 10) * 1e6);
  return [
    '-nostdin',
    '-loglevel',
    'error',
    '-rtsp_transport',
    'tcp',
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

/** ffmpeg options after the input: sampled, scaled frames as concatenated JPEGs on stdout. */
export function captureOutputOptions(spec: CaptureSpec): string[] {
  return ['-an', '-sn', '-dn', '-vf', sampleFilter(spec), '-fps_mode', 'passthrough', '-c:v', 'mjpeg', '-q:v', '5', '-f', 'image2pipe'];
}
