// The site file's notifications: the outgoing webhooks reporting posts events to.
import { z } from 'zod';
import { WEBHOOK_EVENTS } from '@hallwatch/domain';
import { id } from './site-fields';

/** The name of the environment variable holding a webhook's secret: the secret itself is never in the site file. */
export const SECRET_ENV_PATTERN = /^[A-Z_][A-Z0-9_]*$/;
const webhook = z
  .object({
    url: z
      .string()
      .url('must be an http:// or https:// URL')
      .regex(/^https?:\/\//i, 'must be an http:// or https:// URL'),
    events: z.array(z.enum(WEBHOOK_EVENTS)).min(1, `needs at least one of ${WEBHOOK_EVENTS.join(', ')}`),
    /** Only events of these halls; unset: every hall. */
    halls: z.array(id).optional(),
    secretEnv: z.string().regex(SECRET_ENV_PATTERN, 'must be the name of an environment variable (A-Z, 0-9, _), not the secret'),
  })
  .strict();

export { webhook };
