import { interpolate } from './quantile';

/**
 * Counts of durations by bucket, so medians over a year can be summed from daily rollups
 * instead of re-reading millions of cases. Keys are bucket values in seconds.
 *
 * Precision: a duration is rounded to the nearest whole minute below 24 h and to the nearest
 * whole hour from 24 h on, so a quantile is exact for durations of whole minutes (whole hours
 * beyond a day) and otherwise off by at most 30 s (30 min beyond a day).
 */
export type Histogram = Record<string, number>;

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86_400;

/** The bucket (in seconds) a duration in seconds falls in; negative durations count as 0. */
export function bucketOf(seconds: number): number {
  const s = Math.max(0, seconds);
  const unit = s < DAY - MINUTE / 2 ? MINUTE : HOUR;
  return Math.round(s / unit) * unit;
}

export function addDuration(h: Histogram, seconds: number, count = 1): Histogram {
  const key = String(bucketOf(seconds));
  h[key] = (h[key] ?? 0) + count;
  return h;
}

/** Adds every count of `from` into `into` (and returns `into`). */
export function mergeHistogram(into: Histogram, from: Readonly<Histogram>): Histogram {
  // for-in, not Object.entries: an annual report merges millions of buckets, and the pairs'
  // garbage cost more than the adding. Histograms are plain or prototype-less objects.
  for (const key in from) into[key] = (into[key] ?? 0) + from[key];
  return into;
}

/** The same R-7 quantile `quantile()` gives for the bucket values, in seconds; null when empty. */
export function histogramQuantile(h: Readonly<Histogram>, p: number): number | null {
  const buckets = Object.entries(h)
    .filter(([, n]) => n > 0)
    .map(([key, n]) => [Number(key), n] as const)
    .sort((a, b) => a[0] - b[0]);
  const n = buckets.reduce((sum, [, c]) => sum + c, 0);
  if (n === 0) return null;
  const valueAt = (rank: number) => {
    let seen = 0;
    for (const [value, count] of buckets) {
      seen += count;
      if (rank < seen) return value;
    }
    return buckets[buckets.length - 1][0];
  };
  return interpolate(p, n, valueAt);
}
