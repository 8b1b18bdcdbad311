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

/**
 * How long to watch a stream to learn its keyframe interval. Decoding keyframes only is worth it
 * when one comes at least every sample interval, and then two of them show within two intervals
 * (whatever the phase); a second more absorbs the jitter of arrival. Capped so a camera sampled
 * rarely does not wait long to start: it then decodes every frame unless its keyframes are dense.
 */
export function probeSeconds(sampleEverySeconds: number): number {
  return Math.min(2 * sampleEverySeconds + 1, 21);
}

/**
 * ffprobe options reading `seconds` of the stream's packets (demuxing only, nothing decoded):
 * stream codec and size, and each packet's time and flags. Its output is read by parseProbeOutput.
 */
export function probeArgs(url: string, seconds: number, ioTimeoutSeconds = 10): string[] {
  return [
    '-v', 'error',
    ...(/^rtsps?:/.test(url) ? ['-rtsp_transport', 'tcp'] : []),
    '-timeout', String(Math.round(ioTimeoutSeconds * 1e6)),
    '-select_streams', 'v:0',
    '-show_entries', 'stream=codec_name,width,height:packet=pts_time,flags',
    '-of', 'compact',
    '-read_intervals', `%+${seconds}`,
    url,
  ];
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

/** Reads ffprobe's compact output (`packet|pts_time=2.0|flags=K_`, `stream|codec_name=h264|…`). */
export function parseProbeOutput(text: string): StreamProbe {
  const keyframeTimes: number[] = [];
  const probe: StreamProbe = { keyframes: 0 };
  for (const line of text.split('\n')) {
    const [section, ...pairs] = line.trim().split('|');
    const fields = Object.fromEntries(pairs.map((p) => p.split('=', 2) as [string, string]));
    if (section === 'packet' && /^K/.test(fields.flags ?? '')) {
      probe.keyframes++;
      const t = Number(fields.pts_time);
      if (fields.pts_time !== undefined && Number.isFinite(t)) keyframeTimes.push(t);
    } else if (section === 'stream') {
      probe.codec = fields.codec_name || undefined;
      probe.width = Number(fields.width) || undefined;
      probe.height = Number(fields.height) || undefined;
    }
  }
  probe.keyframeEverySeconds = keyframeSpacing(keyframeTimes);
  return probe;
}
