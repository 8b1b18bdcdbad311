import { CASE_STATUSES, isOpenCaseStatus, type CaseStatus } from '@hallwatch/domain';
import { IsIn, IsInt, IsOptional, Max, Min, IsArray, registerDecorator, ValidateIf, ValidationArguments } from 'class-validator';
import type { BatchResult, RowResult } from './batches';
import { IsCalendarDate, IsCalendarMonth, IsId, IsInstant, IsText, NAME_MAX } from './ids';
import { STATS_GROUP_BYS, type StatsColumn, type StatsGroupBy } from './stats-columns';

// The statuses are the domain's (in flight: accepted, in-progress, suspended; finished: the others).
export { CASE_STATUSES, OPEN_CASE_STATUSES } from '@hallwatch/domain';
export type { CaseStatus } from '@hallwatch/domain';

/** Field `property` must be a time no earlier than field `earlier` (both ISO 8601). */
export const NotBefore = (earlier: string) => timeOrder('notBefore', earlier, (a, b) => a >= b, 'must not be before');

/** Field `property` must be a time later than field `earlier` (both ISO 8601). */
export const After = (earlier: string) => timeOrder('after', earlier, (a, b) => a > b, 'must be after');

function timeOrder(name: string, earlier: string, ordered: (a: number, b: number) => boolean, rule: string) {
  return (object: object, property: string) =>
    registerDecorator({
      name,
      target: object.constructor,
      propertyName: property,
      constraints: [earlier],
      validator: {
        validate(value: unknown, args: ValidationArguments) {
          const other = (args.object as Record<string, unknown>)[earlier];
          const a = Date.parse(String(value));
          const b = Date.parse(String(other));
          // Unparseable times are reported by @IsInstant on their own field.
          return Number.isNaN(a) || Number.isNaN(b) || ordered(a, b);
        },
        defaultMessage: () => `${property} ${rule} ${earlier}`,
      },
    });
}

/** Whether a case message is of a case still in flight (accepted, in-progress or suspended); without a status it is completed. */
export function caseInFlight(c: { status?: CaseStatus }): boolean {
  return isOpenCaseStatus(c.status ?? 'completed');
}

/** While in flight, a case is not finished: `property` must be left out. */
const NotWhileInFlight = () => (object: object, property: string) =>
  registerDecorator({
    name: 'notWhileInFlight',
    target: object.constructor,
    propertyName: property,
    validator: {
      validate: (value: unknown, args: ValidationArguments) => value === undefined || !caseInFlight(args.object as CaseMessage),
      defaultMessage: () => `${property} must be left out while the case is accepted, in-progress or suspended`,
    },
  });

/** Of a finished case, `at` is its finishedAt: given, it must be the same instant. */
const SameInstantWhenFinished = (other: string) => (object: object, property: string) =>
  registerDecorator({
    name: 'sameInstantWhenFinished',
    target: object.constructor,
    propertyName: property,
    validator: {
      validate(value: unknown, args: ValidationArguments) {
        const o = args.object as Record<string, unknown>;
        return value === undefined || caseInFlight(o) || Date.parse(String(value)) === Date.parse(String(o[other]));
      },
      defaultMessage: () => `${property} of a finished case is its ${other}: leave it out or give the same time`,
    },
  });

/** The reason to flag a case update for (a refusal without its reason), or undefined. */
export function caseUpdateFlag(c: { status?: CaseStatus; reason?: string }): string | undefined {
  return c.status === 'refused' && !c.reason ? 'refused without a reason: flagged' : undefined;
}

/**
 * One case handled at a window, from the hall's queue (取号) and approval systems: on
 * hallwatch.cases, in POST /api/cases and in imported CSV rows. Times are ISO 8601 with an offset (a time without one is refused,
 * not read as UTC).
 */
export class CaseMessage {
  /**
   * Natural key: importing the same case again changes nothing; with other fields it is a new
   * version, from an admin or the queue system only (caseChangeRefusal). Updates of a case in
   * flight are versions too: the newer by `at` is the case's current one, every one is kept.
   */
  @IsId() caseId: string;
  @IsId() windowId: string;
  @IsOptional() @IsId() staffId?: string;
  @IsText(NAME_MAX) serviceItem: string;
  /** Ticket taken. */
  @IsInstant() takenAt: string;
  /** Called and started: required once the case is finished, optional while in flight. */
  @ValidateIf((c: CaseMessage) => !caseInFlight(c) || c.calledAt !== undefined)
  @IsInstant()
  @NotBefore('takenAt')
  calledAt?: string;
  @ValidateIf((c: CaseMessage) => !caseInFlight(c) || c.startedAt !== undefined)
  @IsInstant()
  @NotBefore('calledAt')
  startedAt?: string;
  /** Required once finished; left out while in flight. */
  @NotWhileInFlight()
  @ValidateIf((c: CaseMessage) => !caseInFlight(c) || c.finishedAt !== undefined)
  @IsInstant()
  @NotBefore('startedAt')
  finishedAt?: string;
  /** From the time-limit commitment (承诺时限) of the service item; suspended time does not run against it. */
  @IsInstant() @NotBefore('takenAt') deadline: string;
  /** Without a status the case is completed (as the finished-case feed always sent them). */
  @IsOptional() @IsIn(CASE_STATUSES) status?: CaseStatus;
  /** When the case entered `status`: required while in flight; of a finished case it is its finishedAt. */
  @SameInstantWhenFinished('finishedAt')
  @ValidateIf((c: CaseMessage) => caseInFlight(c) || c.at !== undefined)
  @IsInstant()
  @NotBefore('takenAt')
  at?: string;
  /** Where the case is in its procedure (e.g. 审核, 补正材料), as the approval system names it. */
  @IsOptional() @IsText(NAME_MAX) stage?: string;
  /** Why: a refusal's reason (a refused case without one is flagged), or a suspension's. */
  @IsOptional() @IsText(1000) reason?: string;
  /** 1 (very dissatisfied) to 5 (very satisfied). */
  @IsOptional() @IsInt() @Min(1) @Max(5) satisfaction?: number;
}

/** Request/reply subjects the reporting service answers for the gateway. */
export const ReportingRequests = {
  /** Payload: { cases: unknown[], halls?, by: Writer } (every batch names its writer); reply: CaseImportResult. */
  importCases: 'hallwatch.reporting.cases.import',
  /** Payload: { leaves: unknown[], halls? }; reply: BatchResult. */
  importLeaves: 'hallwatch.reporting.leaves.import',
  /** Payload: StatsQuery; reply: StatsTable. */
  attendance: 'hallwatch.reporting.stats.attendance',
  throughput: 'hallwatch.reporting.stats.throughput',
  evaluation: 'hallwatch.reporting.stats.evaluation',
  /** Payload: NoticeQuery; reply: MonthlyNotice (libs/stats notice). */
  notice: 'hallwatch.reporting.stats.notice',
  /** Payload: WaitingQuery; reply: WaitingSeries (persons waiting per hall and hour). */
  waiting: 'hallwatch.reporting.stats.waiting',
  /** Payload: { complaints: unknown[], halls? }; reply: BatchResult. */
  importComplaints: 'hallwatch.reporting.complaints.import',
  /** Payload: RecordRef; reply: LeaveRecordMessage (404 unknown, 403 outside the halls). */
  getLeave: 'hallwatch.reporting.leaves.get',
  /** Payload: LeaveDecisionRequest; reply: LeaveRecordMessage (403/409 with the reason when refused). */
  decideLeave: 'hallwatch.reporting.leaves.decide',
  /** Payload: RecordRef; reply: ComplaintRecord (404 unknown, 403 outside the halls). */
  getComplaint: 'hallwatch.reporting.complaints.get',
  /** Payload: CardQuery; reply: CardMessage[], by `at`. */
  cards: 'hallwatch.reporting.cards.list',
  /** Payload: RectificationIssueRequest; reply: RectificationRecord (400 unknown or unfit source or target, 403 not the bureau). */
  issueRectification: 'hallwatch.reporting.rectifications.issue',
  /** Payload: RectificationRespondRequest; reply: RectificationRecord (403 another hall's, 409 not waiting for the hall). */
  respondRectification: 'hallwatch.reporting.rectifications.respond',
  /** Payload: RectificationVerifyRequest; reply: RectificationRecord (403 not the bureau, 409 not responded). */
  verifyRectification: 'hallwatch.reporting.rectifications.verify',
  /** Payload: RectificationQuery; reply: RectificationRecord[], newest first. */
  listRectifications: 'hallwatch.reporting.rectifications.list',
  /** Payload: RectificationRef; reply: RectificationRecord (404 unknown or outside the halls). */
  getRectification: 'hallwatch.reporting.rectifications.get',
  /** Payload: RectificationPhotoRef; reply: RectificationPhotoImage (404 no such photo, 403 outside the halls), the view recorded. */
  rectificationPhoto: 'hallwatch.reporting.rectifications.photo',
  /** Payload: AwayRequest; reply: AwayDeclarationMessage (400 over rules.awayMax or rules.awayPerDayMax, 403 outside the halls, 404 unknown window). */
  declareAway: 'hallwatch.reporting.away.declare',
  /** Payload: ActiveAwayRequest; reply: AwayDeclarationMessage[]. */
  activeAway: 'hallwatch.reporting.away.active',
} as const;

/** A statistics period: local dates in the site's time zone, both included. */
export class StatsQuery {
  @IsCalendarDate() from: string;
  @IsCalendarDate() to: string;
  @IsIn(STATS_GROUP_BYS) groupBy: StatsGroupBy;
  /** Only these halls; undefined = every hall. */
  @IsOptional() @IsArray() @IsId({ each: true }) halls?: string[];
}

/** The monthly notice (月度通报) of a month, issued by `issuer` (the signed-in user, or the CLI's writer). */
export class NoticeQuery {
  @IsCalendarMonth() month: string;
  @IsText(NAME_MAX) issuer: string;
}

/** One row per group, keyed by the grouping (e.g. { window: 'W1', attendanceRate: 0.9, … }). */
export interface StatsTable {
  groupBy: StatsGroupBy;
  from: string;
  to: string;
  /** The table's columns in order (reportColumns: the same list the console shows). */
  columns: StatsColumn[];
  rows: Record<string, string | number | null>[];
}

/** A case's row answers `caseId`, its natural key, where other batches answer `id`. */
export type CaseRowResult = Omit<RowResult, 'id'> & { caseId?: string };

export type CaseImportResult = BatchResult<CaseRowResult>;
