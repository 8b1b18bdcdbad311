import { encodeMessage } from './decode';
import {
  decodeIncidentEvent,
  INCIDENT_EVENT_TYPES,
  IncidentEventMessage,
  IncidentEventMessages,
  IncidentEventType,
  incidentSubject,
  NO_WINDOW,
} from './incident-events';
import { IncidentMessage } from './incidents';
import { Streams, Subjects } from './subjects';

const at = '2026-11-24T09:00:00+08:00';
const later = '2026-11-24T09:30:00+08:00';
const incident: IncidentMessage = { id: 'absence:h1:W01:1', kind: 'absence', hallId: 'h1', windowId: 'W01', openedAt: at };
/** A message of each event as inference publishes it. */
const MESSAGES: { [T in IncidentEventType]: IncidentEventMessage<T> } = {
  opened: incident,
  closed: { ...incident, closedAt: later, durationMs: 1_800_000 },
  reviewed: { ...incident, closedAt: later, review: 'appealed', reviewedAt: later },
  excused: { ...incident, leaveId: 'L1', excusedAt: later },
  unexcused: { ...incident, revokedLeaveId: 'L1', unexcusedAt: later },
};

/** Whether NATS delivers `subject` to a subscription (or stream) on `pattern`. */
const matches = (pattern: string, subject: string) => {
  const [p, s] = [pattern.split('.'), subject.split('.')];
  return p.length === s.length && p.every((token, i) => token === '*' || token === s[i]);
};

describe('incident events: one subject grammar, one message type per event', () => {
  it('names the window and the event, and _ for an incident of no single window', () => {
    expect(incidentSubject('opened', incident)).toBe('hallwatch.incident.W01.opened');
    const gap: IncidentMessage = { id: 'staffing-gap:h1:1', kind: 'staffing-gap', hallId: 'h1', windowIds: ['W01', 'W02'], openedAt: at };
    expect(incidentSubject('closed', { ...gap, closedAt: later })).toBe(`hallwatch.incident.${NO_WINDOW}.closed`);
    expect(NO_WINDOW).toBe('_');
  });

  it('decodes every event as its own message type, on a subject its stream and subscribers take', () => {
    expect(Object.keys(IncidentEventMessages)).toEqual(INCIDENT_EVENT_TYPES);
    for (const type of INCIDENT_EVENT_TYPES) {
      const subject = incidentSubject(type, MESSAGES[type]);
      expect([type, Streams.incidents.subjects.some((p) => matches(p, subject)), matches(Subjects.allIncidents, subject)]).toEqual([
        type,
        true,
        true,
      ]);
      const decoded = decodeIncidentEvent(subject, encodeMessage(MESSAGES[type]));
      expect(decoded).toEqual({ ok: true, value: { type, message: MESSAGES[type] } });
      if (decoded.ok) expect(decoded.value.message).toBeInstanceOf(IncidentEventMessages[type]);
    }
  });

  it('refuses a subject of no known event, saying which grammar it expects', () => {
    const grammar = 'is not an incident event: hallwatch.incident.<windowId>.<opened|closed|reviewed|excused|unexcused>';
    for (const subject of [
      'hallwatch.incident.absence',
      'hallwatch.incident.reviewed',
      'hallwatch.incident.W01.appealed',
      'hallwatch.incident.W01.__proto__',
      'hallwatch.incident.W01.opened.again',
      'hallwatch.presence.W01.opened',
    ])
      expect(decodeIncidentEvent(subject, encodeMessage(incident))).toEqual({ ok: false, reason: `${subject} ${grammar}` });
  });

  it("refuses a message that is not its event's type, or does not fit its subject", () => {
    const refusal = (subject: string, message: object) => {
      const decoded = decodeIncidentEvent(subject, encodeMessage(message));
      return decoded.ok ? 'accepted' : decoded.reason;
    };
    expect(refusal('hallwatch.incident.W01.reviewed', incident)).toMatch(/review/);
    expect(refusal('hallwatch.incident.W01.unexcused', MESSAGES.excused)).toMatch(/revokedLeaveId/);
    expect(refusal('hallwatch.incident.W01.opened', [incident])).toBe('not a JSON object');
    expect(refusal('hallwatch.incident.W02.opened', incident)).toBe('windowId W01 is not the window W02 of its subject');
    expect(refusal('hallwatch.incident.W01.opened', { ...incident, windowId: undefined })).toBe(
      'windowId (none) is not the window W01 of its subject',
    );
    expect(refusal('hallwatch.incident.W01.opened', MESSAGES.closed)).toBe('an opened incident has no closedAt');
    expect(refusal('hallwatch.incident.W01.closed', incident)).toBe('a closed incident has closedAt');
    expect(refusal('hallwatch.incident.W01.excused', { ...MESSAGES.excused, leaveId: undefined })).toBe('an excused incident has leaveId');
  });
});
