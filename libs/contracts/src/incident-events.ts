import { decodeMessage, Decoded } from './decode';
import { IncidentExcusedMessage, IncidentMessage, IncidentReviewedMessage, IncidentUnexcusedMessage } from './incidents';
import { Subjects } from './subjects';

/**
 * Every incident event, the last token of its subject hallwatch.incident.<windowId>.<event>, with
 * the message it carries; all of them go out on the stream INCIDENTS. An appeal is a review change
 * (`review: appealed`, ordered with the decisions by reviewedAt), so it goes out as `reviewed`.
 */
export const IncidentEventMessages = {
  /** The incident began (no closedAt). */
  opened: IncidentMessage,
  /** It ended (closedAt set). */
  closed: IncidentMessage,
  /** A review decision or an appeal. */
  reviewed: IncidentReviewedMessage,
  /** A leave registered after it opened excuses it (leaveId set). */
  excused: IncidentExcusedMessage,
  /** The leave that excused it was revoked. */
  unexcused: IncidentUnexcusedMessage,
} as const satisfies Record<string, new () => IncidentMessage>;

export type IncidentEventType = keyof typeof IncidentEventMessages;
export const INCIDENT_EVENT_TYPES = Object.keys(IncidentEventMessages) as readonly IncidentEventType[];
export type IncidentEventMessage<T extends IncidentEventType> = InstanceType<(typeof IncidentEventMessages)[T]>;
/** An incident event as it went out: its type, and the message of that type. */
export type PublishedIncidentEvent = { [T in IncidentEventType]: { type: T; message: IncidentEventMessage<T> } }[IncidentEventType];

/**
 * The window token of an incident that names no single window (staffing-gap: a hall's,
 * camera-offline: a camera's); the site file lets no window take it as its id.
 */
export const NO_WINDOW = '_';

/** The subject of incident event `type` of `message`. */
export function incidentSubject<T extends IncidentEventType>(type: T, message: IncidentEventMessage<T>): string {
  return Subjects.incident(message.windowId ?? NO_WINDOW, type);
}

/**
 * The event a message on `subject` is, decoded as that event's message. Never throws: refused with
 * the reason for a subject that names no incident event, a message that is not of its event's
 * type, and one that does not fit its subject (another window; an opened one with closedAt, a
 * closed one without; an excuse without leaveId).
 */
export function decodeIncidentEvent(subject: string, data: Uint8Array | string): Decoded<PublishedIncidentEvent> {
  const tokens = subject.split('.');
  const [window, type] = [tokens[2], tokens[3] as IncidentEventType];
  if (tokens.length !== 4 || subject !== Subjects.incident(window, type) || !INCIDENT_EVENT_TYPES.includes(type))
    return { ok: false, reason: `${subject} is not an incident event: hallwatch.incident.<windowId>.<${INCIDENT_EVENT_TYPES.join('|')}>` };
  const decoded = decodeMessage(IncidentEventMessages[type], data);
  if (!decoded.ok) return decoded;
  const reason = misfit(type, decoded.value, window);
  return reason ? { ok: false, reason } : { ok: true, value: { type, message: decoded.value } as PublishedIncidentEvent };
}

/** Why `message` does not fit the subject of event `type` in `window`; undefined when it does. */
function misfit(type: IncidentEventType, message: IncidentMessage, window: string): string | undefined {
  const own = message.windowId ?? NO_WINDOW;
  if (own !== window) return `windowId ${message.windowId ?? '(none)'} is not the window ${window} of its subject`;
  if (type === 'opened' && message.closedAt) return 'an opened incident has no closedAt';
  if (type === 'closed' && !message.closedAt) return 'a closed incident has closedAt';
  if (type === 'excused' && !message.leaveId) return 'an excused incident has leaveId';
  return undefined;
}
