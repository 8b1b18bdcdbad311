import { Injectable } from '@nestjs/common';
import { IncidentExcusedMessage, IncidentMessage, IncidentReviewedMessage, IncidentUnexcusedMessage } from '@hallwatch/contracts';
import { IncidentsRepository } from '../repositories/incidents.repository';
import { WriteLockRepository } from '../repositories/write-lock.repository';

/**
 * Keeps reporting's copy of incidents for the attendance tables: opens, closes, excuses and reviews
 * in any order, each applied once whatever is redelivered (status = review, else excused, else
 * closed or open). An appeal arrives as a `reviewed` event with review `appealed`: the latest of
 * decisions and appeals wins, so an appeal after a confirmation leaves the incident undecided
 * until the next decision.
 */
@Injectable()
export class IncidentsService {
  constructor(
    private readonly incidents: IncidentsRepository,
    private readonly lock: WriteLockRepository,
  ) {}

  record(m: IncidentMessage): Promise<void> {
    return this.lock.run(() => this.save(m));
  }

  /** An `excused` event: the message carries leaveId, which save sets (unless that leave was revoked). */
  excused(m: IncidentExcusedMessage): Promise<void> {
    return this.record(m);
  }

  /** An `unexcused` event: the revoked leave excuses it no more. */
  unexcused(m: IncidentUnexcusedMessage): Promise<void> {
    return this.lock.run(async () => {
      await this.save(m);
      await this.incidents.unexcuseIncident(m.id, m.revokedLeaveId);
    });
  }

  reviewed(m: IncidentReviewedMessage): Promise<void> {
    return this.lock.run(async () => {
      await this.save(m);
      this.lock.check();
      await this.incidents.saveReview(m.id, m.review, Date.parse(m.reviewedAt));
    });
  }

  private async save(m: IncidentMessage): Promise<void> {
    this.lock.check();
    await this.incidents.saveIncident({
      id: m.id,
      kind: m.kind,
      hallId: m.hallId,
      windowId: m.windowId,
      staff: m.staff,
      leaveId: m.leaveId,
      openedAt: Date.parse(m.openedAt),
      closedAt: m.closedAt ? Date.parse(m.closedAt) : undefined,
    });
  }
}
