import { Schema } from 'mongoose';
import type { AuditEntry, IncidentKind, IncidentStatus, QueueEventKind, ReviewChange } from '@hallwatch/contracts';

// The stored shapes of inference's incident collections (incidents, incident_tombstones), for IncidentRepository.

/** An incident as stored in `incidents`. */
export interface IncidentRecord {
  /** The domain's deterministic incident id: the same incident is always the same document. */
  _id: string;
  kind: IncidentKind;
  hallId: string;
  windowId?: string;
  windowIds?: string[];
  cameraId?: string;
  staff?: string;
  openedAt: Date;
  /** Missing while the incident is open. */
  closedAt?: Date | null;
  durationMs?: number;
  /** camera-offline: why (see IncidentMessage). */
  reason?: string;
  /** queue-open-seat-empty: the queue event that opened the session. */
  queueEvent?: { windowId: string; staffId: string; event: QueueEventKind; at: string };
  /** The approved leave that excuses it; missing unless excused. */
  leaveId?: string;
  /** The bureau's decision, or `appealed` while an appeal awaits it; null or missing until reviewed. */
  review?: ReviewChange | null;
  /**
   * Decisions, appeals and excuses, hash-chained (prev, hash); missing until the first one (an
   * empty array is not stored by every backend). Trails from before views had their own
   * collection also hold evidence-viewed entries, and from before chaining entries without hashes.
   */
  audit?: StoredAuditEntry[];
  /** Each evidence frame's SHA-256 as captured, copied from its file when the incident is stored. */
  evidence?: { n: number; sha256: string; capturedAt: Date }[];
}

/** An audit entry as stored: its time a Date. */
export type StoredAuditEntry = Omit<AuditEntry, 'at'> & { at: Date };

/** An audit entry as messages and views carry it. */
export function auditEntryOf(a: StoredAuditEntry): AuditEntry {
  return {
    by: a.by,
    at: a.at.toISOString(),
    action: a.action,
    reason: a.reason,
    n: a.n,
    correction: a.correction,
    prev: a.prev,
    hash: a.hash,
  };
}

/** What the retention purge leaves of an incident: enough to show it existed, how it ended, and its chain's last hash. */
export interface IncidentTombstone {
  _id: string;
  kind: IncidentKind;
  hallId: string;
  windowId?: string;
  windowIds?: string[];
  openedAt: Date;
  closedAt?: Date | null;
  status: IncidentStatus;
  /** The audit trail's length and its last hash (the genesis hash of an incident without entries). */
  entries: number;
  lastHash: string;
  purgedAt: Date;
}

export const INCIDENT_TOMBSTONE = 'IncidentTombstone';
export const IncidentTombstoneSchema = new Schema<IncidentTombstone>(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    hallId: { type: String, required: true },
    windowId: String,
    windowIds: { type: [String], default: undefined },
    openedAt: { type: Date, required: true },
    closedAt: Date,
    status: { type: String, required: true },
    entries: { type: Number, required: true },
    lastHash: { type: String, required: true },
    purgedAt: { type: Date, required: true },
  },
  { collection: 'incident_tombstones', versionKey: false },
);

/** Where an incident stands; a review outranks the leave: the bureau may still confirm or dismiss an excused incident. */
export function incidentStatus(r: Pick<IncidentRecord, 'review' | 'leaveId' | 'closedAt'>): IncidentStatus {
  return r.review ?? (r.leaveId ? 'excused' : r.closedAt ? 'closed' : 'open');
}

export const INCIDENT = 'Incident';
export const IncidentSchema = new Schema<IncidentRecord>(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    hallId: { type: String, required: true },
    windowId: String,
    windowIds: { type: [String], default: undefined },
    cameraId: String,
    staff: String,
    openedAt: { type: Date, required: true },
    closedAt: Date,
    durationMs: Number,
    reason: String,
    queueEvent: { type: new Schema({ windowId: String, staffId: String, event: String, at: String }, { _id: false }), default: undefined },
    leaveId: String,
    review: String,
    audit: {
      type: [
        { _id: false, by: String, at: Date, action: String, reason: String, n: Number, correction: Boolean, prev: String, hash: String },
      ],
      default: undefined,
    },
    evidence: { type: [{ _id: false, n: Number, sha256: String, capturedAt: Date }], default: undefined },
  },
  { collection: 'incidents', versionKey: false },
);
IncidentSchema.index({ hallId: 1, openedAt: -1 });
