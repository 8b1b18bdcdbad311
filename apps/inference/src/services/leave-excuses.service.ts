import { Injectable, Logger } from '@nestjs/common';
import type { AuditEntry, LeaveRecordMessage } from '@hallwatch/contracts';
import { EXCUSABLE_KINDS, leavesInHall, type Incident, type Leave } from '@hallwatch/domain';
import { IncidentRepository } from '../repositories/incident.repository';
import { LeaveRecord, LeaveRepository } from '../repositories/leave.repository';
import { auditEntryOf } from '../repositories/incident.schemas';
import { NatsRepository } from '../repositories/nats.repository';
import { toMessage } from './incidents.service';
import { SiteHalls } from './site-halls';

type ExcusableIncident = Pick<Incident, 'id' | 'kind' | 'hallId' | 'windowId' | 'openedAt'>;

/**
 * Approved leaves and the incidents they excuse: an absence or late opening while every staff
 * member on the window's roster was on approved leave (without a replacement) is excused, when it
 * opens and when the leave is approved after it, in the halls of the leave's submitter only. The
 * incident stays, with the leave's id and an audit entry; a supervisor may still review it. A
 * revoked leave un-excuses what it excused, with an audit entry on each incident.
 */
@Injectable()
export class LeaveExcuses {
  private readonly log = new Logger(LeaveExcuses.name);

  constructor(
    private readonly site: SiteHalls,
    private readonly leaves: LeaveRepository,
    private readonly incidents: IncidentRepository,
    private readonly nats: NatsRepository,
  ) {}

  /** Who is on duty at the incident's window when it began, and the leave excusing it (with its audit entry). */
  async dutyAt(incident: Incident): Promise<{ staff?: string; leaveId?: string; excused?: AuditEntry }> {
    if (!incident.windowId) return {};
    const { leaves, record } = await this.excusing(incident);
    return { staff: this.site.staffOf(incident, leaves), ...(record && { leaveId: record._id, excused: auditEntry(record) }) };
  }

  /**
   * A leave's version from hallwatch.leaves: kept (unless a later version is), then, approved, it
   * excuses every stored incident it covers; revoked, it un-excuses those it excused. Pending and
   * rejected leaves excuse nothing. Done again on redelivery, each step idempotent.
   */
  async register(message: LeaveRecordMessage): Promise<void> {
    const stored = await this.leaves.save(message);
    // A later version is stored: it is (or was) handled on its own.
    if (!stored || stored.version !== message.version) return;
    if (message.status === 'approved') await this.excuseCovered(message);
    else if (message.status === 'revoked') await this.unexcuseAll(message);
  }

  private async excuseCovered(message: LeaveRecordMessage): Promise<void> {
    const [from, to] = [new Date(message.from), new Date(message.to)];
    // The seats it may excuse: its staff's, and those of staff it replaces (their replacement away too).
    const staff = [message.staffId, ...(await this.leaves.replacedBy(message.staffId, from, to))];
    const windows = this.site.windowsRostering(staff).filter((w) => !message.halls || message.halls.includes(this.site.window(w)!.hallId));
    const candidates = await this.incidents.excusable(windows, from, to);
    for (const c of candidates)
      await this.excuse({ id: c._id, kind: c.kind, hallId: c.hallId, windowId: c.windowId, openedAt: c.openedAt.getTime() });
  }

  /** Takes back every excuse a revoked leave gave (audit entry naming who revoked it and why); another approved leave may excuse it again. */
  private async unexcuseAll(message: LeaveRecordMessage): Promise<void> {
    const revoked = message.versions[message.versions.length - 1];
    const entry: AuditEntry = {
      by: revoked.by,
      at: new Date().toISOString(),
      action: 'unexcused',
      reason: `leave ${message.id} revoked by ${revoked.by}: ${revoked.reason ?? ''}`,
    };
    for (const c of await this.incidents.excusedBy(message.id)) {
      const record = await this.incidents.unexcuse(c._id, message.id, entry);
      if (!record) continue;
      const trail = record.audit ?? [];
      await this.nats.publishIncidentUnexcused({
        ...toMessage(record),
        revokedLeaveId: message.id,
        unexcusedAt: trail[trail.length - 1].at.toISOString(),
        audit: auditEntryOf(trail[trail.length - 1]),
      });
      this.log.log(`incident ${c._id} no longer excused: leave ${message.id} revoked`);
      await this.excuse({
        id: record._id,
        kind: record.kind,
        hallId: record.hallId,
        windowId: record.windowId,
        openedAt: record.openedAt.getTime(),
      });
    }
  }

  /**
   * Excuses a stored incident if a leave now known covers it. Called for each incident a new
   * leave may cover, and again after an incident is first stored: a leave stored between the
   * incident's dutyAt and its write found no incident to excuse, and is found here.
   */
  async excuse(incident: ExcusableIncident): Promise<void> {
    if (!EXCUSABLE_KINDS.includes(incident.kind)) return;
    const { record } = await this.excusing(incident);
    if (!record) return;
    const entry = auditEntry(record);
    const excused = await this.incidents.excuse(incident.id, record._id, entry);
    // Published again when it was excused before: that publication may have failed (deduplicated by id).
    if (!excused) return;
    // Its excuse entry as chained (the last `excused` one: it may have been excused before).
    const stored = [...(excused.audit ?? [])].reverse().find((a) => a.action === 'excused');
    await this.nats.publishIncidentExcused({ ...toMessage(excused), excusedAt: entry.at, audit: stored && auditEntryOf(stored) });
    this.log.log(`incident ${incident.id} excused by leave ${record._id}`);
  }

  /** The approved leaves covering an incident's start in its hall, and the stored leave excusing it, if any. */
  private async excusing(
    incident: Pick<Incident, 'kind' | 'hallId' | 'windowId' | 'openedAt'>,
  ): Promise<{ leaves: Leave[]; record?: LeaveRecord }> {
    const covering = leavesInHall(await this.leaves.covering(incident.openedAt), incident.hallId);
    const leaves = covering.map(toLeave);
    const leave = this.site.excusedBy(incident, leaves);
    return { leaves, record: leave && covering.find((l) => l._id === leave.id) };
  }
}

function toLeave(r: LeaveRecord): Leave {
  return {
    id: r._id,
    staffId: r.staffId,
    kind: r.kind,
    from: r.from.getTime(),
    to: r.to.getTime(),
    ...(r.replacementStaffId && { replacementStaffId: r.replacementStaffId }),
  };
}

/** The audit trail names who approved the leave (by), and the leave, who submitted it and its reason: why the incident is excused. */
function auditEntry(r: LeaveRecord): AuditEntry {
  const submitted = r.submittedBy ? `, submitted by ${r.submittedBy}` : '';
  return {
    by: r.approvedBy ?? `leave ${r._id}`,
    at: new Date().toISOString(),
    action: 'excused',
    reason: `leave ${r._id}: ${r.kind} of ${r.staffId} from ${r.from.toISOString()} to ${r.to.toISOString()}${submitted}, approved by ${r.approvedBy ?? 'unknown'}: ${r.reason}`,
  };
}
