/**
 * Shared by the fuzz suites: `npm test` runs them bounded; `npm run fuzz` sets HALLWATCH_FUZZ_SCALE
 * to run each property that many times more.
 */
export function fuzzRuns(base: number): number {
  const scale = Number(process.env.HALLWATCH_FUZZ_SCALE ?? 1);
  return Math.max(1, Math.round(base * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
}

/** A jest timeout for a fuzz test that takes about `baseMs` at scale 1. */
export function fuzzTimeout(baseMs: number): number {
  return fuzzRuns(baseMs) * 3 + 60_000;
}

/** Keys any of the fuzzers might have slipped onto Object.prototype (empty when clean). */
export function prototypePollution(): string[] {
  const probe: Record<string, unknown> = {};
  const own = Object.getOwnPropertyNames(Object.prototype).filter((k) => !CLEAN_PROTOTYPE.has(k));
  const inherited = ['polluted', 'cases', 'onTime', 'x', 'isAdmin'].filter((k) => probe[k] !== undefined);
  return [...own, ...inherited];
}

const CLEAN_PROTOTYPE = new Set(Object.getOwnPropertyNames(Object.prototype));

/** Strings hostile input likes to try, mixed into the generated ones. */
export const NASTY_STRINGS = [
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  '{"$ne":null}',
  '$where',
  '../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  'W01\u202Eexe.txt',
  '\u0000',
  '\uFEFF',
  '\uD800',
  '2026-02-30',
  '2026-13-01',
  '0000-00-00',
  '2026-W48',
  '2026-11-24T09:00:00',
  '9999-12-31T23:59:59+14:00',
  '0x1',
  '01',
  '1e3',
  '-0',
  'NaN',
  'Infinity',
  '',
  ' ',
  'null',
  '[]',
  '{}',
  '%',
  '%FF',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  'a'.repeat(5000),
];
