// The field schemas the parts of the site file share: ids, text, fractions, durations, polygons.
import { z } from 'zod';
import { ID_PATTERN, ID_RULE, isPlainText } from '@hallwatch/contracts';
import { parseDuration, parseYellowBefore } from '@hallwatch/domain';

/** The one id pattern of every message and request (ids appear in NATS subjects and in maps). */
const id = z.string().regex(ID_PATTERN, `must be ${ID_RULE}`);
const text = z.string().min(1).refine(isPlainText, 'must be text without control or bidi characters');
const fraction = z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');
const duration = z.string().transform((text, ctx) => {
  try {
    return parseDuration(text);
  } catch (err) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: (err as Error).message });
    return z.NEVER;
  }
});
const msText = (ms: number) => `${ms}ms`;
/** `4h` or `1wd` (working days), read by the domain's own parseYellowBefore. */
const yellowBefore = z.string().transform((text, ctx) => {
  try {
    return parseYellowBefore(text);
  } catch (err) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: (err as Error).message });
    return z.NEVER;
  }
});
const polygon = z.array(z.tuple([fraction, fraction])).min(3, 'needs at least 3 points');

export { duration, fraction, id, msText, polygon, text, yellowBefore };
