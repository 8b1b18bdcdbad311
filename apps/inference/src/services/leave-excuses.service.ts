import { Injectable, Logger } from '@nestjs/common';
import type { AuditEntry, LeaveMessage } from '@hallwatch/contracts';
import { EXCUSABLE_KINDS, type Incident, type Leave } from '@hallwatch/domain';
import { IncidentRepository } from '../repositories/incident.repository';
import { LeaveRecord, LeaveRepository } from '../repositories/leave.repository';
import { NatsRepository } from '../repositories/nats.repository';
import { toMessage } from './incidents.service';
import { SiteHalls } from './site-halls';

/**
 * Approved leaves and the incidents they excuse: an absence or late opening while every staff
 * member on the window's roster was on leave (without a replacement) is excused, when it opens
 * and when the leave is registered after it. The incident stays, with the leave's id and an audit
 * entry; a supervisor may still review it.
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

  /** A leave from hallwatch.leaves: kept, then every stored incident it excuses is marked and published. */
  async register(message: LeaveMessage): Promise<void> {
    await this.leaves.insert(message);
    const [from, to] = [new Date(message.from), new Date(message.to)];
    // The seats it may excuse: its staff's, and those of staff it replaces (their replacement away too).
    const staff = [message.staffId, ...(await this.leaves.replacedBy(message.staffId, from, to))];
    const candidates = await this.incidents.excusable(this.site.windowsRostering(staff), from, to);
    for (const c of candidates) await this.excuse({ id: c._id, kind: c.kind, windowId: c.windowId, openedAt: c.openedAt.getTime() });
  }

  /**
   * Excuses a stored incident if a leave now known covers it. Called for each incident a new
   * leave may cover, and again after an incident is first stored: a leave stored between the
   * incident's dutyAt and its write found no incident to excuse, and is found here.
   */
  async excuse(incident: Pick<Incident, 'id' | 'kind' | 'windowId' | 'openedAt'>): Promise<void> {
    if (!EXCUSABLE_KINDS.includes(incident.kind)) return;
    const { record } = await this.excusing(incident);
    if (!record) return;
    const entry = auditEntry(record);
    const excused = await this.incidents.excuse(incident.id, record._id, entry);
    // Published again when it was excused before: that publication may have failed (deduplicated by id).
    if (!excused) return;
    await this.nats.publishIncidentExcused({ ...toMessage(excused), excusedAt: entry.at });
    this.log.log(`incident ${incident.id} excused by leave ${record._id}`);
  }

  /** The leaves covering an incident's start, and the stored leave excusing it, if any. */
  private async excusing(incident: Pick<Incident, 'kind' | 'windowId' | 'openedAt'>): Promise<{ leaves: Leave[]; record?: LeaveRecord }> {
    const covering = await this.leaves.covering(incident.openedAt);
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

/** The audit trail names the leave, its approver and its reason: why the incident is excused. */
function auditEntry(r: LeaveRecord): AuditEntry {
  return {
    by: `leave ${r._id}`,
    at: new Date().toISOString(),
    action: 'excused',
    reason: `${r.kind} of ${r.staffId} from ${r.from.toISOString()} to ${r.to.toISOString()}, approved by ${r.approvedBy}: ${r.reason}`,
  };
}
