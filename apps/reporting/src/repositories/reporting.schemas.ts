import { Schema } from 'mongoose';

/**
 * Every document the hot paths touch is addressed by _id: FerretDB on SQLite has no index but
 * _id's (docs/operations.md, The embedded servers), so a filter without _id decodes the whole collection.
 */

/** Who wrote a document's current version and when; the earlier versions are kept in `versions`. */
const VERSIONED = { version: Number, submittedBy: String, submittedAt: Date, versions: { type: [Schema.Types.Mixed], default: undefined } };

/**
 * A case as received; _id = caseId. Posted again with other fields it is a new version (from an
 * admin or the queue system only), the earlier ones kept in `versions`. A case in flight
 * (accepted, in-progress, suspended) gets an update per status: the newer by `at` is the
 * document, a late one joins `versions` only (without a number of its own: `version` counts writes).
 */
export const CaseSchema = new Schema(
  {
    ...VERSIONED,
    _id: String,
    windowId: String,
    staffId: String,
    serviceItem: String,
    takenAt: Date,
    calledAt: Date,
    startedAt: Date,
    finishedAt: Date,
    deadline: Date,
    /** Missing on cases stored before statuses: completed. */
    status: String,
    /** When it entered `status`; stored only while in flight (a finished case's is finishedAt). */
    at: Date,
    stage: String,
    reason: String,
    /** Why the update is flagged for the supervisor: a refusal without its reason. */
    flag: String,
    satisfaction: Number,
    /** The window-day the case counts in: `${windowId}|${date}`. */
    day: String,
  },
  { collection: 'cases', versionKey: false },
);

/** One window's presence changes of one local date; _id = `${windowId}|${date}`. */
export const PresenceDaySchema = new Schema(
  {
    _id: String,
    windowId: String,
    hallId: String,
    date: String,
    /** Sorted by since; at most one per since (redelivery replaces it). */
    changes: [{ _id: false, state: String, since: Number, at: Number }],
  },
  { collection: 'presence_days', versionKey: false },
);

/** One window's queue events (hallwatch.queue.*) of one local date; _id = `${windowId}|${date}`. */
export const QueueDaySchema = new Schema(
  {
    _id: String,
    windowId: String,
    date: String,
    /** Redelivery adds nothing (the same event is in the set once). */
    events: [{ _id: false, staffId: String, event: String, at: Number }],
    /** Each event with who submitted it: the signed-in user (POST /api/queue-events) or `queue-system`. */
    submitted: [{ _id: false, staffId: String, event: String, at: Number, by: String, submittedAt: String }],
  },
  { collection: 'queue_days', versionKey: false },
);

/**
 * Per window-month rollups; _id = `${windowId}|${month}`. `days` is JSON text (FerretDB reads one
 * long string far faster than thousands of nested values): date -> { figures, cases }.
 */
export const WindowDaysSchema = new Schema(
  /** version: bumped by every write, which is conditional on the version read (several writers). */
  { _id: String, windowId: String, month: String, days: String, version: Number },
  { collection: 'window_days', versionKey: false },
);

/** The sum of a window-month's day figures (JSON text), what a long report reads. */
export const WindowMonthSchema = new Schema(
  /** version: of the window_days document it was summed from; an older sum never replaces a newer. */
  { _id: String, windowId: String, month: String, figures: String, version: Number },
  { collection: 'window_months', versionKey: false },
);

/**
 * Reporting's own copy of what it needs of each incident, from hallwatch.incident.*; _id = the
 * incident id. Inference owns the incidents themselves (collection `incidents`, with evidence,
 * review and audit trail); reporting never writes there.
 */
export const ReportedIncidentSchema = new Schema(
  {
    _id: String,
    kind: String,
    hallId: String,
    windowId: String,
    staff: String,
    openedAt: Date,
    closedAt: Date,
    /** The latest review change (confirmed | dismissed, or appealed: undecided again) and when it was made. */
    review: String,
    reviewedAt: Date,
    /** The approved leave that excuses it; unset when that leave is revoked. */
    leaveId: String,
    /** Leaves revoked after excusing it: never set as leaveId again. */
    revokedLeaveIds: { type: [String], default: undefined },
  },
  { collection: 'reporting_incidents', versionKey: false },
);

/**
 * Leaves and duty changes, the record of them (reporting stores them first, then publishes each
 * version on hallwatch.leaves for inference); _id = the leave id. Their fields never change; each
 * decision (approve, reject, revoke) is a new version, listed in `versions` with who and when.
 */
export const LeaveSchema = new Schema(
  {
    _id: String,
    staffId: String,
    kind: String,
    from: Date,
    to: Date,
    reason: String,
    replacementStaffId: String,
    /** pending | approved | rejected | revoked; missing on leaves stored before statuses (approved). */
    status: String,
    version: Number,
    /** The halls it excuses in: its submitter's (a hall manager's); missing: every hall. */
    halls: { type: [String], default: undefined },
    submittedBy: String,
    submittedAt: Date,
    /** The signed-in supervisor or admin who approved it. */
    approvedBy: String,
    approvedAt: Date,
    versions: { type: [Schema.Types.Mixed], default: undefined },
  },
  { collection: 'leaves', versionKey: false },
);

/**
 * Complaints as received (POST /api/complaints, CLI import); _id = the complaint id. Posted again
 * with other fields it is a new version where the writer may make it (only the bureau verifies),
 * the earlier ones kept in `versions`. hallId: of its window, absent without one (only an admin files those).
 */
export const ComplaintSchema = new Schema(
  {
    ...VERSIONED,
    _id: String,
    receivedAt: Date,
    channel: String,
    windowId: String,
    hallId: String,
    staffId: String,
    caseId: String,
    category: String,
    /** true, false or "pending". */
    verified: Schema.Types.Mixed,
    outcome: String,
  },
  { collection: 'complaints', versionKey: false },
);

/**
 * Yellow and red cards (红黄牌), insert-only; _id = `${caseId}|${color}`, so a case gets each color
 * once, whoever issues it. `publishedAt` is set once it is on hallwatch.supervision.card.
 */
export const CardSchema = new Schema(
  {
    _id: String,
    caseId: String,
    color: String,
    /** When the case crossed the threshold (its yellow point or its moved deadline). */
    at: Date,
    issuedAt: Date,
    deadline: Date,
    windowId: String,
    hallId: String,
    department: String,
    staffId: String,
    serviceItem: String,
    status: String,
    stage: String,
    publishedAt: Date,
  },
  { collection: 'cards', versionKey: false },
);

/** Cases in flight the periodic card check looks at (those without a red card yet); _id = caseId. */
export const CaseInFlightSchema = new Schema({ _id: String }, { collection: 'cases_in_flight', versionKey: false });

/** The demo's history, once seeded (`npm start` with a site file's `demo` key): its range, seed, counts and who wrote it. */
export const DemoSeedSchema = new Schema(
  {
    _id: String,
    seed: Number,
    from: Date,
    to: Date,
    counts: Schema.Types.Mixed,
    submittedBy: String,
    submittedAt: Date,
  },
  { collection: 'demo_seeds', versionKey: false },
);

/**
 * A rectification order (督办单); _id = its id (`rating:<caseId>` for the order a bad rating opened).
 * Each step appends to `history` and bumps `version` in one conditional write.
 */
export const RectificationSchema = new Schema(
  {
    _id: String,
    source: { type: Schema.Types.Mixed },
    to: { type: Schema.Types.Mixed },
    halls: [String],
    dueWorkingDays: Number,
    instructions: String,
    state: String,
    tier: String,
    issuedBy: String,
    issuedAt: Date,
    dueAt: Date,
    redAt: Date,
    verifiedAt: Date,
    callBack: { type: Schema.Types.Mixed },
    version: Number,
    history: { type: [Schema.Types.Mixed], default: undefined },
  },
  { collection: 'rectifications', versionKey: false },
);

/**
 * One event for one outgoing webhook; _id = `${webhookId}|${idempotencyKey}`, so an event consumed
 * again adds nothing. `body` holds the exact bytes every attempt posts (and signs). `pending`
 * until answered 2xx (`delivered`) or out of attempts (`failed`, kept); `dueAt` is the next
 * attempt, moved ahead while one instance holds the claim (`claim`) on it.
 */
export const WebhookDeliverySchema = new Schema(
  {
    _id: String,
    webhook: String,
    event: String,
    key: String,
    hallId: String,
    /** What caused it: the subject it was consumed from, or the caller of an entry point. */
    source: String,
    body: String,
    status: String,
    attempts: Number,
    dueAt: Date,
    createdAt: Date,
    claim: String,
    /** The last attempt: when, by which reporting instance, what the receiver answered (HTTP status) or why it failed. */
    triedAt: Date,
    triedBy: String,
    lastStatus: Number,
    lastError: String,
    deliveredAt: Date,
  },
  { collection: 'webhook_deliveries', versionKey: false },
);

/**
 * A window-day's 暂离 declarations (_id `${windowId}|${date}`, the local date of each one's start),
 * each as published (AwayDeclarationMessage: who declared it, when, why); redelivery adds nothing.
 */
export const AwayDaySchema = new Schema(
  {
    _id: String,
    windowId: String,
    hallId: String,
    date: String,
    declarations: [Schema.Types.Mixed],
  },
  { collection: 'away_declarations', versionKey: false },
);

/**
 * A hall's persons waiting in one local hour (_id `${hallId}|${hour start ms}`), each sample as
 * published (WaitingCountMessage: from `at` on, null when not known); redelivery adds nothing.
 */
export const WaitingHourSchema = new Schema(
  {
    _id: String,
    hallId: String,
    start: Number,
    samples: [Schema.Types.Mixed],
  },
  { collection: 'waiting_hours', versionKey: false },
);
