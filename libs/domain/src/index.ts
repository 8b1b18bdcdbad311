/**
 * @hallwatch/domain — pure domain logic for Hallwatch: no Nest, no I/O, no clock.
 * Every time is epoch milliseconds passed in by the caller, taken from frames' capture times.
 * See libs/domain/README.md for the states, hysteresis and incident rules.
 *
 * - intervals: half-open [start, end) arithmetic; `attendance` splits scheduled time into
 *   staffed / absent / unknown for a report period:
 *     attendance({ scheduled: openIntervals(spec, tz, from, to),
 *                  ...presenceIntervals(changesOfOneWindow, { start: from, end: to }) })
 * - schedule: `parseSchedule` / `validateSchedule`, `openIntervals`, `isOpen`, `nextBoundary`
 *   in an IANA time zone (default 'Asia/Shanghai'); `parseDuration('1h30m')` -> ms.
 * - presence: `PresenceTracker` turns frames, camera statuses and ticks into `StateChange`s.
 * - incidents: `IncidentEngine` turns one hall's changes and frames into `IncidentEvent`s;
 *   `appealRefusal(status)` says why an incident cannot be appealed (undefined: it can);
 *   `judgeDecision` / `judgeAppeal`: separation of duties on reviews (403/409 with the reason);
 *   `unheldCloses`: the stored open incidents a restored hall state does not hold open, and when they close.
 * - audit: the audit trail's hash chain: `canonicalJson`, `chainEntry` (prev, hash), `verifyChain`.
 * - roster: `staffOnRoster(entries, windowId, at, timeZone)` -> staff on a window's roster;
 *   leaves: `staffIdOf`, `staffOnDuty` (replacements applied), `excusingLeave`, `excusedIntervals`.
 * - evaluation: `DEFAULT_EVALUATION_WEIGHTS` of the site key evaluation.weights (the score is in @hallwatch/stats).
 * - `HallMonitor` ties both together for one hall; the inference app should use it:
 *     const m = new HallMonitor({ hall, windows, timeZone, rules }, savedSnapshot);
 *     const { presence, incidents } = m.observe(windowId, { at, persons, confidence, judgeable });
 *     m.cameraStatus(cameraId, { at, online, reason }); m.tick(at); save(m.snapshot());
 *     m.queue({ windowId, staffId, event: 'login', at });  // queue system sessions
 *     m.away({ windowId, from, to });  // 暂离, declared (limits: awayRefusal)
 * - `stateSaveDue(unsaved, sinceSaveMs, intervalMs)`: whether a hall's state is saved now (outputs at once, else every interval).
 * - queue: `queueSessions(events, range)` -> a window's open and paused time per staff id;
 *   `DEFAULT_WAIT_TARGET` of the site key rules.waitTarget.
 * - provenance: who may submit, approve or change leaves, complaints and cases (`leaveTransition`, …).
 * - retention: `keepsEvidence(incident, reviewWindowStart)`, `purgeClockRefusal(now, references)`.
 * - supervision: case statuses, `effectiveDeadline` (suspensions), `workingDaysBefore` on a schedule,
 *   `dueCards`: the yellow and red cards (红黄牌) a case in flight is due; rectification orders (督办单):
 *   `rectificationDue` (`workingDaysAfter`), `respondTransition`, `verifyTransition`, `checkRectification`.
 * - migrations: `planMigrations(schemas, stored)`: per collection, the schema migrations still to
 *   run (SchemaTooNew for data newer than the code knows).
 * - backup: the backup manifest (`manifestProblem`, `checksumMismatches`) and `replayPlan`: which consumers a
 *   restore resets to replay the streams, and what is lost; `COLLECTION_RECOVERY`: which stream rebuilds
 *   each collection, and `unreplayedCollections`, those none does, which a restore names.
 * - notifications: outgoing webhooks: `WEBHOOK_EVENTS`, `wantsEvent`, `webhookSignature`, `webhookRetryDelayMs`, `idempotencyKey`.
 */
export * from './intervals/intervals';
export * from './schedule/schedule';
export { parseDuration } from './schedule/duration';
export { assertTimeZone } from './schedule/time-zone';
export { CAMERA_STATUSES, INCIDENT_KINDS, PRESENCE_STATES } from './model';
export type {
  CameraStatus,
  CameraStatusChange,
  HallConfig,
  IncidentKind,
  Observation,
  PresenceState,
  StateChange,
  WindowConfig,
} from './model';
export * from './presence/presence-tracker';
export { presenceIntervals } from './presence/timeline';
export { DEFAULT_RULES } from './incidents/incident';
export type { FrameFact, Incident, IncidentEvent, IncidentEvidence, IncidentRules } from './incidents/incident';
export * from './incidents/incident-rules';
export * from './incidents/away';
export type { IncidentSnapshot } from './incidents/rule-tracks';
export * from './incidents/unheld';
export * from './incidents/appeal';
export * from './incidents/review-rules';
export * from './audit/audit-chain';
export * from './hall-monitor/hall-monitor';
export * from './occupancy/hall-occupancy';
export * from './occupancy/waiting-sampler';
export * from './hall-monitor/state-save';
export * from './roster/roster';
export * from './queue/queue-session';
export * from './roster/leaves';
export * from './evaluation/weights';
export * from './provenance/write-rules';
export * from './retention/retention';
export * from './supervision/cards';
export * from './migrations/migrations';
export * from './backup/backup';
export * from './backup/replay-sources';
export * from './backup/dead-letters';
export * from './supervision/rectification';
export * from './supervision/photo';
export * from './notifications/webhooks';
