import { QUEUE_EVENTS, type QueueEventKind } from '@hallwatch/domain';
import { IsIn, IsOptional } from 'class-validator';
import { validateMessage } from './decode';
import { checkedBy, IsId, IsInstant, IsReason, IsText, NAME_MAX } from './ids';

/**
 * hallwatch.queue.<windowId>, and each row of POST /api/queue-events: the hall's queue system
 * (排队叫号) says a staff member logged in at a window, paused calling, resumed or logged out.
 */
export class QueueEventMessage {
  @IsId() windowId: string;
  /** The staff id as in rosters (S001, not "张三 (S001)"). */
  @IsId() staffId: string;
  @IsIn(QUEUE_EVENTS) event: QueueEventKind;
  /** When it happened, ISO 8601 with an offset. */
  @IsInstant() at: string;
  /** A pause's reason: the window is then declared away (暂离) for rules.awayMax, within rules.awayPerDayMax. */
  @IsOptional() @IsReason() reason?: string;
  /** The signed-in user who posted it (POST /api/queue-events, set by the gateway); absent when a queue system published it. */
  @IsOptional() @IsText(NAME_MAX) submittedBy?: string;
  @IsOptional() @IsInstant() submittedAt?: string;
}

/** `@IsQueueEvent()`: the field is a QueueEventMessage (checked whole, without class-transformer's metadata). */
export const IsQueueEvent = checkedBy(
  'isQueueEvent',
  (value) => validateMessage(QueueEventMessage, value).ok,
  'must be a queue event {windowId, staffId, event: login|pause|resume|logout, at}',
);

/**
 * The id of a queue event (also its Nats-Msg-Id): one window has one event of a kind at one
 * instant, so a retried row is stored once whatever the spelling of its time.
 */
export function queueEventId(m: QueueEventMessage): string {
  return `queue:${m.windowId}:${Date.parse(m.at)}:${m.event}`;
}

export { QUEUE_EVENTS } from '@hallwatch/domain';
export type { QueueEventKind } from '@hallwatch/domain';
