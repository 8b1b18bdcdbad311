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
  /** Incident opens and closes (JetStream stream INCIDENTS). */
  incident: (kind: string) => `hallwatch.incident.${kind}`,
  allIncidents: 'hallwatch.incident.*',
  /** Case throughput records from queue and approval systems (JetStream stream CASES). */
  cases: 'hallwatch.cases',
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

/** JetStream streams for events that must not be lost. */
export const Streams = {
  cameras: { name: 'HALLWATCH_CAMERAS', subjects: ['hallwatch.camera.*.status'] },
  presence: { name: 'HALLWATCH_PRESENCE', subjects: ['hallwatch.presence.*'] },
  incidents: { name: 'HALLWATCH_INCIDENTS', subjects: ['hallwatch.incident.*'] },
  cases: { name: 'HALLWATCH_CASES', subjects: ['hallwatch.cases'] },
} as const;
