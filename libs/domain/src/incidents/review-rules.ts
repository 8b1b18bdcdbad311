import { appealRefusal } from './appeal';

/** Who asks for a review change: the signed-in user and their role. */
export interface ReviewActor {
  username: string;
  role: string;
}

/** What the rules read of an audit entry (any entry: decisions, appeals, excuses, corrections). */
export interface TrailEntry {
  by: string;
  action: string;
  at: Date | string;
}

/** A change the rules allow; a decision on a final incident is an admin's correction. */
export interface ReviewAllowed {
  ok: true;
  correction: boolean;
}

/** A change refused: 403 (the actor may not make it), 409 (the incident's state forbids it), with the reason. */
export interface ReviewRefused {
  ok: false;
  status: 403 | 409;
  reason: string;
}

export type ReviewJudgement = ReviewAllowed | ReviewRefused;

const DECISIONS: readonly string[] = ['confirmed', 'dismissed'];
const DECIDERS: readonly string[] = ['supervisor', 'admin'];
const APPELLANTS: readonly string[] = ['hall_manager', 'admin'];

/** Where the appeals of a trail stand: the appeal awaiting a decision (and the decision it is against), the first decided one. */
export interface AppealState {
  pending?: { appeal: TrailEntry; against?: TrailEntry };
  decided?: { appeal: TrailEntry; decision: TrailEntry };
}

export function appealState(trail: readonly TrailEntry[]): AppealState {
  let lastDecision: TrailEntry | undefined;
  let pending: AppealState['pending'];
  for (const entry of trail) {
    if (entry.action === 'appealed') pending = { appeal: entry, against: lastDecision };
    else if (DECISIONS.includes(entry.action)) {
      if (pending) return { decided: { appeal: pending.appeal, decision: entry } };
      lastDecision = entry;
    }
  }
  return { pending };
}

const iso = (at: Date | string) => (typeof at === 'string' ? at : at.toISOString());

function finalRefusal(decided: NonNullable<AppealState['decided']>): string {
  const { decision } = decided;
  return `the appeal was decided (${decision.action} by ${decision.by} at ${iso(decision.at)}): the incident is final; only an admin may correct it, with a reason`;
}

/**
 * Separation of duties on a review decision (confirmed | dismissed) of an incident in `status`
 * with `trail`: only a supervisor or admin decides; an appeal is decided by neither its appellant
 * nor whoever made the decision appealed against; once an appeal is decided the incident is final,
 * and only an admin changes it further, as a correction.
 */
export function judgeDecision(status: string, trail: readonly TrailEntry[], actor: ReviewActor): ReviewJudgement {
  if (!DECIDERS.includes(actor.role))
    return { ok: false, status: 403, reason: `only a supervisor or admin decides an incident, not a ${actor.role}` };
  const { pending, decided } = appealState(trail);
  if (decided) return actor.role === 'admin' ? { ok: true, correction: true } : { ok: false, status: 409, reason: finalRefusal(decided) };
  if (status === 'appealed' && pending) {
    if (pending.appeal.by === actor.username)
      return {
        ok: false,
        status: 403,
        reason: `${actor.username} filed the appeal and may not decide it; another supervisor or admin must`,
      };
    const against = pending.against;
    if (against && against.by === actor.username)
      return {
        ok: false,
        status: 403,
        reason: `${actor.username} made the decision appealed against (${against.action} at ${iso(against.at)}) and may not decide the appeal; another supervisor or admin must`,
      };
  }
  return { ok: true, correction: false };
}

/** An appeal of an incident in `status` with `trail`: filed by a hall manager or admin, on an appealable incident that is not final. */
export function judgeAppeal(status: string, trail: readonly TrailEntry[], actor: ReviewActor): ReviewJudgement {
  if (!APPELLANTS.includes(actor.role))
    return { ok: false, status: 403, reason: `only a hall manager or admin files an appeal, not a ${actor.role}` };
  const { decided } = appealState(trail);
  if (decided) return { ok: false, status: 409, reason: finalRefusal(decided) };
  const refusal = appealRefusal(status);
  return refusal ? { ok: false, status: 409, reason: refusal } : { ok: true, correction: false };
}
