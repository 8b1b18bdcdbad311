// The site file's users: who signs in to the console, in which role and for which halls.
import { z } from 'zod';
import { id, text } from './site-fields';

const user = z.object({
  username: text,
  /** scrypt hash made by `npx hallwatch users hash-password`; never a plain password. */
  passwordHash: z.string().regex(/^scrypt\$/, 'must be a hash made by `npx hallwatch users hash-password`'),
  role: z.enum(['admin', 'hall_manager', 'supervisor', 'evaluator']),
  halls: z.array(id).default([]),
}).strict();

export { user };
