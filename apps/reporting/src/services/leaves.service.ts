import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { BatchResult, LeaveDecisionRequest, LeaveMessage, LeaveRecordMessage, RecordRef, Subjects, Writer } from '@hallwatch/contracts';
import { leaveSubmitRefusal, leaveTransition, submittedLeaveStatus } from '@hallwatch/domain';
import { JetStreamRepository } from '../repositories/jetstream.repository';
import { LeavesRepository } from '../repositories/leaves.repository';
import { batchAnswer, checkRows } from './batch-rows';
import { RollupService } from './rollup.service';
import { SiteWindows } from './site-windows';

/** Longest leave one row may register: a year, so a typo in a year cannot excuse a decade. */
const MAX_LEAVE_MS = 366 * 24 * 3600_000;

const SAME_FIELDS: (keyof LeaveMessage)[] = ['staffId', 'kind', 'from', 'to', 'reason', 'replacementStaffId'];

/** The answer to a row that names its approver: the approver is whoever signs the leave off. */
export const APPROVED_BY_IGNORED =
  'approvedBy ignored: a leave is approved by the signed-in supervisor or admin (POST /api/leaves/:id/approve), never by a name in the row';

/**
 * Takes leaves in from every route (HTTP batch, CSV import) with one validation, and the bureau's
 * decisions on them. Each version (submitted, approved, rejected, revoked) is stored, the
 * attendance it changes recomputed, and published on hallwatch.leaves, so inference excuses (or,
 * revoked, un-excuses) the incidents an approved leave covers.
 */
@Injectable()
export class LeavesService {
  constructor(
    private readonly leaves: LeavesRepository,
    private readonly site: SiteWindows,
    private readonly rollups: RollupService,
    private readonly jetstream: JetStreamRepository,
  ) {}

  /**
   * Answers each row: accepted (stored now, or stored before with the same fields) or rejected
   * with the reason (invalid, an id repeated in the batch, an id stored with other fields, or,
   * for a caller limited to `halls`, staff not rostered in them). Rows are numbered from
   * `firstRow`. A leave submitted by a supervisor or admin is approved by them at once; a hall
   * manager's is pending, and excuses only in their halls.
   */
  async importBatch(rows: readonly unknown[], firstRow: number, halls: readonly string[] | undefined, by: Writer): Promise<BatchResult> {
    const refusal = leaveSubmitRefusal(by.role);
    if (refusal) throw new ForbiddenException(refusal);
    const { results, accepted } = checkRows(
      rows,
      firstRow,
      LeaveMessage,
      'id',
      (l) =>
        halls && !this.site.windowsRostering([l.staffId]).some((w) => this.site.inHalls(w, halls))
          ? `staffId "${l.staffId}" is not on the roster of a window in your halls`
          : undefined,
      (l) => {
        if (l.replacementStaffId === l.staffId) return 'replacementStaffId must differ from staffId';
        if (Date.parse(l.to) - Date.parse(l.from) > MAX_LEAVE_MS) return 'to: a leave may cover at most 366 days';
        return undefined;
      },
    );
    // One at a time, in the batch's order: a leave is stored, counted and published before the next.
    const refused: (string | undefined)[] = [];
    for (const { value } of accepted) refused.push(await this.store(value, by, halls));
    const answer = batchAnswer(results, accepted, refused);
    rows.forEach((raw, i) => {
      const r = answer.results[i];
      if (r.accepted && typeof raw === 'object' && raw !== null && 'approvedBy' in raw) r.warning = APPROVED_BY_IGNORED;
    });
    return answer;
  }

  /** A stored leave with its versions; 404 when unknown, 403 for a hall manager when its staff is rostered in none of their halls. */
  async get(ref: RecordRef): Promise<LeaveRecordMessage> {
    const leave = await this.leaves.leave(ref.id);
    if (!leave) throw new NotFoundException(`no leave "${ref.id}"`);
    if (ref.halls && !this.visibleIn(leave, ref.halls)) throw new ForbiddenException(`leave "${ref.id}" is outside your halls`);
    return leave;
  }

  /**
   * The bureau's decision on a leave, by the signed-in user: 403 when their role may not decide,
   * 409 when the leave's status does not allow it (leaveTransition) or it changed meanwhile.
   */
  async decide(request: LeaveDecisionRequest): Promise<LeaveRecordMessage> {
    const stored = await this.get({ id: request.id });
    const decision = leaveTransition(request.by.role, stored.status, request.action);
    if (!decision.ok) {
      const reason = `leave "${stored.id}": ${decision.reason}`;
      throw decision.code === 403 ? new ForbiddenException(reason) : new ConflictException(reason);
    }
    const at = new Date().toISOString();
    const version = stored.version + 1;
    const next: LeaveRecordMessage = {
      ...stored,
      status: decision.value,
      version,
      ...(request.action === 'approve' && { approvedBy: request.by.username, approvedAt: at }),
      versions: [
        ...stored.versions,
        { version, status: decision.value, action: request.action, by: request.by.username, at, reason: request.reason },
      ],
    };
    if (!(await this.leaves.saveLeaveVersion(next, stored.version)))
      throw new ConflictException(`leave "${stored.id}" changed while it was being decided: read it again`);
    if (request.action !== 'reject') await this.countAndPublish(next);
    else await this.publish(next);
    return next;
  }

  /**
   * A version of a leave as hallwatch.leaves holds it (reporting reads back what it published):
   * stored and counted only when newer than the stored one, which it is only after a restore from
   * a backup older than the version; else nothing changes, so each version counts once.
   */
  async fromStream(leave: LeaveRecordMessage): Promise<void> {
    if (!(await this.leaves.saveIfNewer(leave))) return;
    if (leave.status !== 'pending' && leave.status !== 'rejected')
      await this.rollups.recordLeave({ ...leave, from: Date.parse(leave.from), to: Date.parse(leave.to) });
  }

  /** Stores, counts and publishes a leave's first version; or why not (its id is stored with other fields). */
  private async store(leave: LeaveMessage, by: Writer, halls: readonly string[] | undefined): Promise<string | undefined> {
    const at = new Date().toISOString();
    const status = submittedLeaveStatus(by.role);
    const record: LeaveRecordMessage = {
      ...leave,
      status,
      version: 1,
      ...(halls && { halls: [...halls] }),
      submittedBy: by.username,
      submittedAt: at,
      ...(status === 'approved' && { approvedBy: by.username, approvedAt: at }),
      versions: [{ version: 1, status, action: 'submitted', by: by.username, at }],
    };
    const stored = await this.leaves.insertLeave(record);
    const differs = stored && SAME_FIELDS.find((k) => !sameField(k, stored, leave));
    if (differs) return `leave "${leave.id}" is already registered with another ${differs}; leaves are never changed: register a new id`;
    // Also for a leave stored before: its earlier publication may have failed (deduplicated by id and version).
    await this.countAndPublish(stored ?? record);
    return undefined;
  }

  private async countAndPublish(leave: LeaveRecordMessage): Promise<void> {
    if (leave.status !== 'pending' && leave.status !== 'rejected')
      await this.rollups.recordLeave({ ...leave, from: Date.parse(leave.from), to: Date.parse(leave.to) });
    await this.publish(leave);
  }

  private async publish(leave: LeaveRecordMessage): Promise<void> {
    await this.jetstream.publish('leaves', Subjects.leaves, leave, `leave:${leave.id}:${leave.version}`);
  }

  /** Whether a hall manager of `halls` sees a leave: its staff is rostered there, or it was submitted for them. */
  private visibleIn(leave: LeaveRecordMessage, halls: readonly string[]): boolean {
    return (
      this.site.windowsRostering([leave.staffId]).some((w) => this.site.inHalls(w, halls)) ||
      (leave.halls ?? []).some((h) => halls.includes(h))
    );
  }
}

function sameField(key: keyof LeaveMessage, a: LeaveMessage, b: LeaveMessage): boolean {
  // Times compare as instants: the same moment may be written with another offset.
  if (key === 'from' || key === 'to') return Date.parse(a[key]) === Date.parse(b[key]);
  return (a[key] ?? undefined) === (b[key] ?? undefined);
}
