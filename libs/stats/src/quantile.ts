/**
 * Quantiles by linear interpolation between closest ranks (R-7, numpy's default): the median of
 * an even count is the mean of the two middle values. Null for no values.
 */
export function quantile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return interpolate(p, sorted.length, (rank) => sorted[rank]);
}

export function median(values: readonly number[]): number | null {
  return quantile(values, 0.5);
}

/** The R-7 quantile of n ordered values, reading the value of a 0-based rank through `at`. */
export function interpolate(p: number, n: number, at: (rank: number) => number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile: p = ${p} is not between 0 and 1`);
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  const a = at(lo);
  return lo === hi ? a : a + (at(hi) - a) * (h - lo);
}
