import { Injectable } from '@nestjs/common';
import { INCIDENT_STATUSES, IncidentMessage, IncidentStatus } from '@hallwatch/contracts';
import { ReportingRepository } from '../repositories/reporting.repository';

const REVIEWED: readonly IncidentStatus[] = ['confirmed', 'dismissed'];

/** Keeps incidents by id for the attendance tables, with their review status. */
@Injectable()
export class IncidentsService {
  constructor(private readonly repo: ReportingRepository) {}

  /**
   * Upserts an incident. `status` comes with the message when the supervision bureau reviewed
   * it; otherwise it is open or closed. A redelivered open/close never undoes a review.
   */
  async record(m: IncidentMessage, status?: string): Promise<void> {
    const stored = await this.repo.incident(m.id);
    const given = INCIDENT_STATUSES.find((s) => s === status);
    const lifecycle: IncidentStatus = m.closedAt ? 'closed' : 'open';
    const keep = stored && REVIEWED.includes(stored.status as IncidentStatus) ? (stored.status as IncidentStatus) : undefined;
    await this.repo.saveIncident({
      id: m.id,
      kind: m.kind,
      hallId: m.hallId,
      windowId: m.windowId,
      staff: m.staff,
      openedAt: Date.parse(m.openedAt),
      closedAt: m.closedAt ? Date.parse(m.closedAt) : stored?.closedAt,
      status: given && REVIEWED.includes(given) ? given : (keep ?? lifecycle),
    });
  }
}
