// The site file's rules: incident thresholds, rosters and the evaluation weights.
import { z } from 'zod';
import { DEFAULT_EVALUATION_WEIGHTS, DEFAULT_RULES, DEFAULT_WAIT_TARGET, EvaluationWeights, RosterEntry, validateRosterEntry } from '@hallwatch/domain';
import { duration, id, msText, text } from './site-fields';

/** Unset thresholds are the domain's DEFAULT_RULES, so the defaults live in one place. */
const rules = z.object({
  absenceAfter: duration.default(() => msText(DEFAULT_RULES.absenceAfter)),
  lateAfter: duration.default(() => msText(DEFAULT_RULES.lateAfter)),
  earlyLeaveBefore: duration.default(() => msText(DEFAULT_RULES.earlyLeaveBefore)),
  gapAfter: duration.default(() => msText(DEFAULT_RULES.gapAfter)),
  queueMismatchAfter: duration.default(() => msText(DEFAULT_RULES.queueMismatchAfter)),
  waitingAtEmptyAfter: duration.default(() => msText(DEFAULT_RULES.waitingAtEmptyAfter)),
  /** 暂离: the longest one declaration, and the most a window's declarations take in one local day. */
  awayMax: duration.refine((ms) => ms > 0, 'must be longer than 0s').default(() => msText(DEFAULT_RULES.awayMax)),
  awayPerDayMax: duration.refine((ms) => ms > 0, 'must be longer than 0s').default(() => msText(DEFAULT_RULES.awayPerDayMax)),
  /** Hysteresis: agreeing frames needed to change a window's state; unset = the domain's default (3). */
  confirmSamples: z.number().int().min(1).max(100).optional(),
  /** Hysteresis: the least span of those frames; unset = the domain's default (20s). */
  confirmAfter: duration.optional(),
  /** Ingestion reports a camera `frozen` when its picture has not changed for this long. */
  frozenAfter: duration.refine((ms) => ms > 0, 'must be longer than 0s').default('30s'),
  /** The throughput report's share of waits (ticket taken to called) longer than this. */
  waitTarget: duration.refine((ms) => ms > 0, 'must be longer than 0s').default(() => msText(DEFAULT_WAIT_TARGET)),
}).strict();

/** Days and times are checked by the domain's own rules, like schedules. */
const rosterEntry = z
  .object({
    window: id,
    staff: text.pipe(z.string().max(200)),
    weekdays: z.array(z.string()).optional(),
    dates: z.array(z.string()).optional(),
    from: z.string(),
    to: z.string(),
  })
  .strict()
  .superRefine((entry, ctx) => {
    for (const message of validateRosterEntry(entry as RosterEntry)) ctx.addIssue({ code: z.ZodIssueCode.custom, message });
  })
  .transform((entry) => entry as RosterEntry);

const weight = z.number().min(0, 'must be 0 or more');
/** Unset weights are the statistics' DEFAULT_EVALUATION_WEIGHTS, documented in one place. */
const evaluationWeights = z
  .object(
    Object.fromEntries(Object.entries(DEFAULT_EVALUATION_WEIGHTS).map(([key, value]) => [key, weight.default(value)])) as {
      [K in keyof EvaluationWeights]: z.ZodDefault<typeof weight>;
    },
  )
  .strict();

export { evaluationWeights, rosterEntry, rules };
