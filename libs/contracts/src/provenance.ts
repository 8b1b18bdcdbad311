import { IsIn } from 'class-validator';
import type { WriterRole } from '@hallwatch/domain';
import { validateMessage } from './decode';
import { checkedBy, IsText, NAME_MAX } from './ids';

export type { WriterRole } from '@hallwatch/domain';
export const WRITER_ROLES: readonly WriterRole[] = ['admin', 'supervisor', 'evaluator', 'hall_manager', 'system'];

/**
 * Who submits a write: the signed-in user (the gateway passes its token's username and role), or a
 * system writing on its own (role `system`, username naming it: SYSTEM_WRITERS).
 */
export class Writer {
  @IsText(NAME_MAX) username: string;
  @IsIn(WRITER_ROLES) role: WriterRole;
}

/** `@IsWriter()`: the field is a Writer (checked whole, without class-transformer's metadata). */
export const IsWriter = checkedBy('isWriter', (value) => validateMessage(Writer, value).ok, 'must be a writer {username, role}');

/**
 * The names systems write under when no user signs in: a queue or approval system on hallwatch.cases, the CLI's imports,
 * and the demo's made-up history (`npm start`), so nobody takes it for real data.
 */
export const SYSTEM_WRITERS = {
  queue: { username: 'queue-system', role: 'system' },
  cli: { username: 'cli', role: 'system' },
  demo: { username: 'demo-seed', role: 'system' },
  /** Reporting itself: the periodic rectification check, and the orders bad ratings open. */
  reporting: { username: 'reporting', role: 'system' },
  /** Inference itself: an incident it closes whose end nobody observed (a hall state restored from an earlier time). */
  inference: { username: 'inference', role: 'system' },
} as const satisfies Record<string, Writer>;

/** Who submitted a stored version, and when (ISO 8601). */
export interface Provenance {
  submittedBy: string;
  submittedAt: string;
}
