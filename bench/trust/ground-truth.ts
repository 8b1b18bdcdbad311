/**
 * The trust harness's ground truth and invariants, known by construction and never by the detector:
 * each camera is a feeder the harness starts, stops and freezes, looping a clip whose seat zones are
 * staffed for its first half and covered (empty) for its second; a still clip stands for a frozen
 * camera. Pure functions of the operations log, so they are unit-tested apart from any process.
 */

import { seededRandom } from '@hallwatch/stats';

/** What is really at a seat: someone, no one, or nothing to see (no live video reaches Hallwatch). */
export type Truth = 'staffed' | 'empty' | 'no-video';

/** How a zone of the looping clip behaves: staffed then covered, or empty all along. */
export type ZoneKind = 'toggling' | 'empty';

/** One stretch of a camera's feed, from `from` (ms, wall clock) until the next stretch. */
export type Feed = { from: number; kind: 'live'; origin: number } | { from: number; kind: 'none' | 'frozen' };

/** The clip: `halfMs` staffed, then `halfMs` covered, looping; `origin` is the wall time of the clip's start. */
export function clipTruth(zone: ZoneKind, halfMs: number, origin: number, t: number): 'staffed' | 'empty' {
  if (zone === 'empty') return 'empty';
  const phase = (((t - origin) % (2 * halfMs)) + 2 * halfMs) % (2 * halfMs);
  return phase < halfMs ? 'staffed' : 'empty';
}

/**
 * The truth of a zone at `t` given its camera's feeds (sorted by `from`) and the stretches when no
 * frame could reach inference at all (ingestion or NATS down or paused), as [from, to) pairs.
 */
export function truthAt(zone: ZoneKind, halfMs: number, feeds: readonly Feed[], blackouts: readonly [number, number][], t: number): Truth {
  if (blackouts.some(([from, to]) => t >= from && t < to)) return 'no-video';
  let feed: Feed | undefined;
  for (const f of feeds) if (f.from <= t) feed = f;
  if (!feed || feed.kind !== 'live') return 'no-video';
  return clipTruth(zone, halfMs, feed.origin, t);
}

/** A window's state from `from` until `to` (ms), as Hallwatch published or counted it. */
export interface Stretch {
  state: string;
  from: number;
  to: number;
}

/** Published or stored changes (state since a time) as stretches up to `end`; changes before `start` are clipped. */
export function stretches(changes: readonly { state: string; since: number }[], start: number, end: number): Stretch[] {
  const sorted = [...changes].sort((a, b) => a.since - b.since);
  const out: Stretch[] = [];
  sorted.forEach((c, i) => {
    const from = Math.max(c.since, start);
    const to = Math.min(i + 1 < sorted.length ? sorted[i + 1].since : end, end);
    if (to > from) out.push({ state: c.state, from, to });
  });
  return out;
}

/**
 * Seconds Hallwatch held the window in `state` while the truth gave no reason for it: no moment
 * within `toleranceMs` before (the documented detection latency: confirmation, staleness, freeze
 * detection) or `earlyMs` after had the truth `allowedBy`. Sampled every `stepMs`, the truth probed
 * every `probeMs`.
 */
export function unexplainedSeconds(
  held: readonly Stretch[],
  state: string,
  allowedBy: Truth,
  truth: (t: number) => Truth | readonly Truth[],
  toleranceMs: number,
  earlyMs: number,
  stepMs = 1000,
  probeMs = 100,
): number {
  let bad = 0;
  for (const s of held) {
    if (s.state !== state) continue;
    for (let t = s.from; t < s.to; t += stepMs) {
      let explained = false;
      // Probed finer than the step: a truth that lasted a fraction of a second still explains.
      for (let u = t - toleranceMs; u <= t + earlyMs && !explained; u += probeMs) {
        const at = truth(u);
        explained = typeof at === 'string' ? at === allowedBy : at.includes(allowedBy);
      }
      if (!explained) bad += Math.min(stepMs, s.to - t);
    }
  }
  return bad / 1000;
}

/** Messages published (by id) against the ones the statistics hold (ids, repeats kept). */
export function deliveries(published: ReadonlySet<string>, counted: readonly string[]): { lost: string[]; duplicated: string[] } {
  const seen = new Map<string, number>();
  for (const id of counted) seen.set(id, (seen.get(id) ?? 0) + 1);
  return {
    lost: [...published].filter((id) => !seen.has(id)).sort(),
    duplicated: [...seen].filter(([, n]) => n > 1).map(([id]) => id),
  };
}

/** The kinds of operation the harness applies. */
export const OPERATION_KINDS = [
  'camera-stop',
  'camera-freeze',
  'service-kill',
  'service-pause',
  'service-restart',
  'nats-restart',
  'database-restart',
  'site-change',
  'detector-hang',
  'clock-skew',
] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];

export interface Operation {
  /** ms after the start of the run. */
  at: number;
  kind: OperationKind;
  /** A camera or a service, where the kind needs one. */
  target?: string;
  /** How long the fault lasts (ms) before the harness undoes it. */
  lasts: number;
  /** clock-skew: how far the camera host's clock is set off (ms; negative: behind). */
  skewMs?: number;
}

/**
 * The capture stamps inference takes as they are (documented in capture-clock.ts): at most 5 s
 * ahead of their receipt (clamped to it) and at most 60 s behind. Outside them its frames are refused.
 */
export function skewAccepted(skewMs: number): boolean {
  return skewMs <= 5_000 && skewMs >= -60_000;
}

/**
 * A camera host's clock set off: a few seconds behind (accepted: every state change is stamped that
 * much early), or an hour ahead or a day behind (refused: the cameras look silent).
 */
function drawSkew(random: () => number): number {
  const r = random();
  if (r < 0.5) return -Math.round(3_000 + random() * 27_000);
  return r < 0.75 ? 3_600_000 : -86_400_000;
}

/** While the camera host's clock ran `byMs` off, from `from` to `to` (wall time, ms). */
export interface Skew {
  from: number;
  to: number;
  byMs: number;
}

/**
 * What was at the seat at stamp time `t`: the truth at `t` itself and, where a host whose clock ran
 * behind stamped frames with `t`, the truth at the moment they were really captured. Either reading
 * explains a state stamped `t`.
 */
export function truthsAt(truth: (t: number) => Truth, skews: readonly Skew[], t: number): Truth[] {
  const out = [truth(t)];
  for (const s of skews) if (t >= s.from + s.byMs && t < s.to + s.byMs) out.push(truth(t - s.byMs));
  return out;
}

/**
 * A seeded plan: one operation every 20-40 s from `warmupMs` on, each undone before the next one
 * starts, none within `settleMs` of the end (so the last fault's effects are over when counting).
 */
export function planOperations(
  seed: number,
  durationMs: number,
  kinds: readonly OperationKind[],
  cameras: readonly string[],
  services: readonly string[],
  warmupMs = 30_000,
  settleMs = 30_000,
): Operation[] {
  const random = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const plan: Operation[] = [];
  for (let at = warmupMs; ;) {
    const kind = pick(kinds);
    // A skewed ingestion needs a while after its restart before its frames flow.
    const lasts = Math.round(
      kind === 'clock-skew'
        ? 20_000 + random() * 30_000
        : 5_000 + random() * (kind === 'camera-stop' || kind === 'camera-freeze' ? 40_000 : 10_000),
    );
    if (at + lasts > durationMs - settleMs) break;
    const target = kind.startsWith('camera') ? pick(cameras) : kind.startsWith('service') ? pick(services) : undefined;
    plan.push({ at, kind, target, lasts, ...(kind === 'clock-skew' ? { skewMs: drawSkew(random) } : {}) });
    at += lasts + Math.round(20_000 + random() * 20_000);
  }
  return plan;
}

/** One operation as the failing-seed listing shows it. */
export function describe(op: Operation): string {
  const skew = op.skewMs === undefined ? '' : ` by ${op.skewMs > 0 ? '+' : ''}${(op.skewMs / 1000).toFixed(0)} s`;
  return `+${(op.at / 1000).toFixed(0)} s ${op.kind}${op.target ? ` ${op.target}` : ''}${skew} for ${(op.lasts / 1000).toFixed(0)} s`;
}
