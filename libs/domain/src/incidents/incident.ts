import { IncidentKind, PresenceState } from '../model';
import { FrameReading } from '../presence/presence-tracker';
import { QueueEventKind } from '../queue/queue-session';
import { AwayLimits } from './away';

/** Thresholds in ms; the limits of 暂离 are checked where a declaration is recorded (awayRefusal). */
export interface IncidentRules extends AwayLimits {
  /** absence: known absent for at least this long during open hours (default 10 min). */
  absenceAfter: number;
  /** late-opening: still known absent this long after an open interval's start (default 5 min). */
  lateAfter: number;
  /** early-leave: known absent from at least this long before an interval's end until it (default 15 min). */
  earlyLeaveBefore: number;
  /** staffing-gap: a certain shortfall of staffed windows lasting this long (default 5 min). */
  gapAfter: number;
  /** queue-open-seat-empty: open for calling while known absent for at least this long (default 5 min). */
  queueMismatchAfter: number;
  /** citizen-waiting-seat-empty: someone in the counter zone this long while the seat is known absent (default 60 s). */
  waitingAtEmptyAfter: number;
}

export const DEFAULT_RULES: Readonly<IncidentRules> = {
  absenceAfter: 600_000,
  lateAfter: 300_000,
  earlyLeaveBefore: 900_000,
  gapAfter: 300_000,
  queueMismatchAfter: 300_000,
  waitingAtEmptyAfter: 60_000,
  awayMax: 900_000,
  awayPerDayMax: 3_600_000,
};

/** Capture times of the frames (and facts) that justify an incident. */
export interface IncidentEvidence {
  /** The frame at which the threshold was crossed; for early-leave the last absent frame
   *  before the interval ended; for camera-offline the status time. */
  thresholdAt: number;
  /** absence, late-opening, early-leave, citizen-waiting-seat-empty: the last frame showing the seat staffed before. */
  lastStaffedAt?: number;
  /** absence, late-opening, early-leave: the last frame showing the condition (set on close). */
  endAt?: number;
  /** late-opening: start of the open interval; early-leave: its end. */
  intervalStart?: number;
  intervalEnd?: number;
  /** staffing-gap: state of every window of the hall when the threshold was crossed. */
  windowStates?: Record<string, PresenceState | 'untracked'>;
  /** camera-offline: the camera's last frame before the outage, and the reported reason. */
  lastFrameAt?: number;
  reason?: string;
  /** queue-open-seat-empty: the queue event (login or resume) that opened the session for calling. */
  queueEvent?: { event: QueueEventKind; staffId: string; at: number };
  /** citizen-waiting-seat-empty: persons in the counter zone at the threshold frame. */
  citizens?: number;
}

export interface Incident {
  /** Deterministic: kind, hall, window or camera and openedAt — replay never duplicates. */
  id: string;
  kind: IncidentKind;
  windowId?: string;
  hallId: string;
  cameraId?: string;
  /** When the condition began. */
  openedAt: number;
  /** When the threshold was crossed. */
  detectedAt: number;
  /** When the condition ended. */
  closedAt?: number;
  evidence: IncidentEvidence;
}

export interface IncidentEvent {
  type: 'opened' | 'closed';
  incident: Incident;
}

/** What the presence tracker made of one accepted frame of a window. */
export interface FrameFact {
  at: number;
  reading: FrameReading;
  /** The tracker's pendingSince after the frame (see WindowView). */
  pendingSince: number | null;
  /** Persons in the window's counter zone in the frame (0 when it could not be judged); undefined without a counter zone. */
  citizens?: number;
}

/** Opens an incident of `hallId` (its id is deterministic: replay never duplicates) and reports it in `out`; returns the live copy. */
export function openIncident(
  hallId: string,
  kind: IncidentKind,
  subject: { windowId?: string; cameraId?: string; openedAt: number; detectedAt: number },
  evidence: IncidentEvidence,
  out: IncidentEvent[],
): Incident {
  const id = [kind, hallId, subject.windowId ?? subject.cameraId, subject.openedAt].filter((part) => part !== undefined).join(':');
  const incident: Incident = { id, kind, hallId, ...subject, evidence };
  out.push({ type: 'opened', incident: structuredClone(incident) });
  return incident;
}

/** Closes an incident at `closedAt` (`endAt`: the last frame showing its condition, if any) and reports it in `out`. */
export function closeIncident(incident: Incident, closedAt: number, endAt: number | null, out: IncidentEvent[]): void {
  incident.closedAt = closedAt;
  if (endAt !== null) incident.evidence.endAt = endAt;
  out.push({ type: 'closed', incident: structuredClone(incident) });
}
