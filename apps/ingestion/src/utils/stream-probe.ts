/** What a short look at a live stream tells: its video codec, size and keyframe interval. */
export interface StreamProbe {
  codec?: string;
  width?: number;
  height?: number;
  /** Median spacing of the keyframes seen; undefined when fewer than two were seen. */
  keyframeEverySeconds?: number;
  /** Keyframes seen during the look. */
  keyframes: number;
}

/** The look ends early once this many keyframes with a time were seen (3 gaps: one odd gap cannot sway the median). */
export const KEYFRAMES_WANTED = 4;

/**
 * How long to watch a stream, from its first packet, to learn its keyframe interval. Decoding
 * keyframes only is worth it when one comes at least every sample interval, and then three show
 * within three intervals whatever the phase; a second more absorbs arrival jitter. Capped so a
 * camera sampled rarely does not wait long to start: it then decodes every frame unless its
 * keyframes are dense enough to be seen four times in the look.
 */
export function probeSeconds(sampleEverySeconds: number): number {
  return Math.min(3 * sampleEverySeconds + 1, 21);
}

/**
 * ffprobe options printing each packet's time and flags of the first video stream on stdout as it
 * reads (demuxing only, nothing decoded) until it is stopped, and at `info` level the stream's
 * description on stderr first. The caller bounds the look by wall-clock time: ffprobe's own
 * `-read_intervals` counts RTP timestamps, which jump on RTCP synchronisation and ended looks
 * after one packet on a loaded machine.
 */
export function probeArgs(url: string, ioTimeoutSeconds = 10): string[] {
  return [
    '-hide_banner',
    '-v',
    'info',
    ...(/^rtsps?:/.test(url) ? ['-rtsp_transport', 'tcp'] : []),
    '-timeout',
    String(Math.round(ioTimeoutSeconds * 1e6)),
    '-select_streams',
    'v:0',
    '-show_entries',
    'packet=pts_time,flags',
    '-of',
    'compact',
    url,
  ];
}

/** One line of ffprobe's compact packet output (`packet|pts_time=2.0|flags=K_`); undefined for other lines. */
export function parsePacketLine(line: string): { keyframe: boolean; pts?: number } | undefined {
  const [section, ...pairs] = line.trim().split('|');
  if (section !== 'packet') return undefined;
  const fields = Object.fromEntries(pairs.map((p) => p.split('=', 2) as [string, string]));
  const pts = Number(fields.pts_time);
  return { keyframe: /^K/.test(fields.flags ?? ''), pts: fields.pts_time !== undefined && Number.isFinite(pts) ? pts : undefined };
}

/** Codec and size from ffprobe's stream description on stderr (`Stream #0:0: Video: h264 (High), yuv420p, 1280x720, …`). */
export function parseStreamDescription(stderr: string): Pick<StreamProbe, 'codec' | 'width' | 'height'> {
  const line = /Stream #\d+:\d+.*?: Video: (.*)/.exec(stderr)?.[1];
  if (!line) return {};
  const size = /\b(\d{2,5})x(\d{2,5})\b/.exec(line);
  return { codec: /^(\w+)/.exec(line)?.[1], width: size ? Number(size[1]) : undefined, height: size ? Number(size[2]) : undefined };
}

/** The median of the positive differences between consecutive keyframe times. */
export function keyframeSpacing(times: number[]): number | undefined {
  const sorted = [...times].sort((a, b) => a - b);
  const gaps = sorted
    .slice(1)
    .map((t, i) => t - sorted[i])
    .filter((g) => g > 0)
    .sort((a, b) => a - b);
  if (gaps.length === 0) return undefined;
  const mid = Math.floor(gaps.length / 2);
  const median = gaps.length % 2 ? gaps[mid] : (gaps[mid - 1] + gaps[mid]) / 2;
  return Math.round(median * 1000) / 1000;
}
