const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 } as const;

// Units in descending order, each at most once: "1h30m", "90s", "1d", "250ms".
const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** Parses a duration like "10s", "5m", "1h", "1h30m" or "250ms" into milliseconds. */
export function parseDuration(text: string): number {
  const match = typeof text === 'string' ? DURATION.exec(text.trim()) : null;
  if (!match || text.trim() === '') {
    throw new RangeError(
      `invalid duration ${JSON.stringify(text)}: expected whole numbers with units d, h, m, s or ms ` +
        `in that order, e.g. "10s", "5m", "1h30m"`,
    );
  }
  const [, d, h, m, s, ms] = match;
  return [
    [d, UNIT_MS.d],
    [h, UNIT_MS.h],
    [m, UNIT_MS.m],
    [s, UNIT_MS.s],
    [ms, UNIT_MS.ms],
  ].reduce((sum, [n, unit]) => sum + (n ? Number(n) * Number(unit) : 0), 0);
}
