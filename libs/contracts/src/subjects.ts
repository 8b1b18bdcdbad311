import type { IncidentEventType } from './incident-events';
import type { RectificationAction } from './rectifications';

/**
 * Every NATS subject Hallwatch uses. Ids in subjects are checked by the site file
 * (ID_PATTERN: letters, digits, "-", "_" and ":"), so they never contain dots or wildcards.
 */
export const Subjects = {
  /** JPEG samples from a camera (core NATS, at most once; headers in FrameHeaders). */
  frames: (cameraId: string) => `hallwatch.frames.${cameraId}`,
  allFrames: 'hallwatch.frames.*',
  /** Camera health changes (JetStream stream CAMERAS). */
  cameraStatus: (cameraId: string) => `hallwatch.camera.${cameraId}.status`,
  allCameraStatus: 'hallwatch.camera.*.status',
  /** Window presence state changes (JetStream stream PRESENCE). */
  presence: (windowId: string) => `hallwatch.presence.${windowId}`,
  allPresence: 'hallwatch.presence.*',
  /**
   * An incident's events (IncidentEventMessages; JetStream stream INCIDENTS): opened, closed, reviewed,
   * excused, unexcused. An incident of no single window has NO_WINDOW for its window.
   */
  incident: (windowId: string, event: IncidentEventType) => `hallwatch.incident.${windowId}.${event}`,
  allIncidents: 'hallwatch.incident.*.*',
  /** Each version of a leave or duty change (LeaveRecordMessage; JetStream stream LEAVES): only approved ones excuse. */
  leaves: 'hallwatch.leaves',
  /** Case throughput records from queue and approval systems (JetStream stream CASES). */
  cases: 'hallwatch.cases',
  /** A queue system's session events of a window (QueueEventMessage; JetStream stream QUEUE). */
  queue: (windowId: string) => `hallwatch.queue.${windowId}`,
  allQueue: 'hallwatch.queue.*',
  /** A window's 暂离 declarations as reporting recorded them (AwayDeclarationMessage; JetStream stream AWAY). */
  away: (windowId: string) => `hallwatch.window.${windowId}.away`,
  allAway: 'hallwatch.window.*.away',
  /** A hall's persons waiting, on change and every minute while judged (WaitingCountMessage; JetStream stream OCCUPANCY). */
  waitingCount: (hallId: string) => `hallwatch.hall.${hallId}.waiting`,
  allWaitingCounts: 'hallwatch.hall.*.waiting',
  /** Messages a consumer could not handle, moved aside (JetStream stream DEADLETTER). */
  deadLetter: (streamName: string) => `hallwatch.deadletter.${streamName}`,
  allDeadLetters: 'hallwatch.deadletter.*',
  /** An incident's audit chain head after each appended entry (AuditHeadMessage; JetStream stream AUDIT_HEADS). */
  auditHeads: 'hallwatch.audit.heads',
  /** A case's yellow or red card (CardMessage; JetStream stream CARDS), published by reporting once per case and color. */
  supervisionCard: 'hallwatch.supervision.card',
  /**
   * Each step of a rectification order (RectificationStepMessage; JetStream stream RECTIFICATIONS),
   * published by reporting after saving it: issued, responded, returned, verified, overdue, escalated.
   */
  rectification: (orderId: string, action: RectificationAction) => `hallwatch.rectification.${orderId}.${action}`,
  allRectifications: 'hallwatch.rectification.*.*',
  /** Request/reply: a service's health (NATS transport of @nestjs/microservices). */
  health: (service: ServiceName) => `hallwatch.health.${service}`,
} as const;

export const SERVICES = ['ingestion', 'inference', 'reporting'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** Headers of a frame message on Subjects.frames. */
export const FrameHeaders = {
  cameraId: 'Hallwatch-Camera',
  /** ISO 8601 capture time; all presence time is taken from it. */
  capturedAt: 'Hallwatch-Captured-At',
  seq: 'Hallwatch-Seq',
} as const;

/** Headers of a message in the dead-letter stream: where it came from and why it was moved. */
export const DeadLetterHeaders = {
  stream: 'Hallwatch-Dead-Stream',
  consumer: 'Hallwatch-Dead-Consumer',
  subject: 'Hallwatch-Dead-Subject',
  sequence: 'Hallwatch-Dead-Sequence',
  reason: 'Hallwatch-Dead-Reason',
} as const;

/** A JetStream stream and its limits: whichever of age and size is reached first drops the oldest messages. */
export interface StreamDefinition {
  name: string;
  subjects: readonly string[];
  maxAgeMs: number;
  maxBytes: number;
}

const DAY_MS = 24 * 3600_000;
const GIB = 1024 ** 3;

/**
 * JetStream streams for events that must not be lost. The limits leave consumers weeks to catch up
 * (a stopped reporting service resumes where it was), and bound the disk NATS uses.
 */
export const Streams = {
  cameras: { name: 'HALLWATCH_CAMERAS', subjects: ['hallwatch.camera.*.status'], maxAgeMs: 30 * DAY_MS, maxBytes: GIB / 4 },
  presence: { name: 'HALLWATCH_PRESENCE', subjects: ['hallwatch.presence.*'], maxAgeMs: 30 * DAY_MS, maxBytes: GIB },
  incidents: { name: 'HALLWATCH_INCIDENTS', subjects: ['hallwatch.incident.*.*'], maxAgeMs: 30 * DAY_MS, maxBytes: GIB },
  cases: { name: 'HALLWATCH_CASES', subjects: ['hallwatch.cases'], maxAgeMs: 30 * DAY_MS, maxBytes: GIB },
  queue: { name: 'HALLWATCH_QUEUE', subjects: ['hallwatch.queue.*'], maxAgeMs: 30 * DAY_MS, maxBytes: GIB / 4 },
  away: { name: 'HALLWATCH_AWAY', subjects: ['hallwatch.window.*.away'], maxAgeMs: 30 * DAY_MS, maxBytes: GIB / 4 },
  occupancy: { name: 'HALLWATCH_OCCUPANCY', subjects: ['hallwatch.hall.*.waiting'], maxAgeMs: 30 * DAY_MS, maxBytes: GIB / 4 },
  // Leaves are few and excuse incidents months later: kept a year.
  leaves: { name: 'HALLWATCH_LEAVES', subjects: ['hallwatch.leaves'], maxAgeMs: 365 * DAY_MS, maxBytes: GIB / 4 },
  // Chain heads outlive the incidents they seal (retention.incidents: 1095 days by default), so a purge shows against its tombstone.
  auditHeads: { name: 'HALLWATCH_AUDIT', subjects: ['hallwatch.audit.heads'], maxAgeMs: 4 * 365 * DAY_MS, maxBytes: GIB },
  // Cards are the supervision bureau's record (also stored by reporting): kept a year.
  cards: { name: 'HALLWATCH_CARDS', subjects: ['hallwatch.supervision.card'], maxAgeMs: 365 * DAY_MS, maxBytes: GIB / 4 },
  // Orders are the supervision bureau's record (also stored by reporting): kept a year, as cards.
  rectifications: {
    name: 'HALLWATCH_RECTIFICATIONS',
    subjects: ['hallwatch.rectification.*.*'],
    maxAgeMs: 365 * DAY_MS,
    maxBytes: GIB / 4,
  },
  deadLetters: { name: 'HALLWATCH_DEADLETTER', subjects: ['hallwatch.deadletter.*'], maxAgeMs: 90 * DAY_MS, maxBytes: GIB / 4 },
} as const satisfies Record<string, StreamDefinition>;
