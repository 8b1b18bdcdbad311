import { Injectable, Logger } from '@nestjs/common';
import { AuditActions, SYSTEM_WRITERS, type IncidentMessage, type PresenceMessage } from '@hallwatch/contracts';
import { unheldCloses, type Incident, type IncidentEvent, type MonitorOutput, type StateChange, type UnheldClose } from '@hallwatch/domain';
import type { Fence } from '@hallwatch/runtime';
import { maskOutsideZones } from '@hallwatch/vision';
import { EvidenceRepository } from '../repositories/evidence.repository';
import { IncidentRepository } from '../repositories/incident.repository';
import { NatsRepository } from '../repositories/nats.repository';
import { PresenceRepository } from '../repositories/presence.repository';
import { auditEntryOf, IncidentRecord, StoredAuditEntry } from '../repositories/incident.schemas';
import type { EvidenceFrame } from './evidence-buffer';
import { toMessage } from './incidents.service';
import { LeaveExcuses } from './leave-excuses.service';
import { SiteHalls } from './site-halls';

/**
 * Stores and publishes what a hall's monitor decided: presence intervals and events, incidents
 * and their evidence frames. Every write is idempotent (keyed by window and since, by the
 * incident's deterministic id, by Nats-Msg-Id, by evidence file name), so an outbox entry
 * delivered twice (a crash, a take-over) changes nothing the second time.
 */
@Injectable()
export class OutputDelivery {
  private readonly log = new Logger(OutputDelivery.name);

  constructor(
    private readonly site: SiteHalls,
    private readonly presence: PresenceRepository,
    private readonly incidents: IncidentRepository,
    private readonly evidence: EvidenceRepository,
    private readonly nats: NatsRepository,
    private readonly leaves: LeaveExcuses,
  ) {}

  /**
   * Stores an incident event's evidence frames. Called before the output is saved to the outbox:
   * the frames are only in memory, so a successor delivering the outbox after a crash finds them.
   */
  async keepEvidence(incident: Incident, frames: EvidenceFrame[]): Promise<void> {
    for (const { n, role, cameraId, frame } of frames) {
      const jpeg = await this.masked(cameraId, frame.jpeg).catch((err: Error) => {
        // Never the unmasked frame instead: a frame that cannot be masked is not kept.
        this.log.error(`incident ${incident.id}: evidence frame ${n} not kept, it could not be masked: ${err.message}`);
        return undefined;
      });
      if (jpeg) await this.evidence.put({ incidentId: incident.id, n, role, capturedAt: new Date(frame.at) }, jpeg);
    }
  }

  /**
   * The frame as it may be kept (evidence.mask): by default blurred outside the camera's window
   * zones, so the public at the counter is not stored; the unmasked frame stays in memory only.
   */
  private async masked(cameraId: string, jpeg: Buffer): Promise<Buffer> {
    if (this.site.evidenceMask === 'none') return jpeg;
    return maskOutsideZones(
      jpeg,
      this.site.zonesOf(cameraId).map((z) => z.polygon),
    );
  }

  /**
   * `fence` runs before each write: it throws when the caller may no longer write (its lease ran
   * out), else gives the fence of the lease events are published under.
   */
  async deliver(output: MonitorOutput, fence: () => Fence): Promise<void> {
    // Recorded first (a few writes by _id): the stream's read-back then finds each change stored,
    // one read, instead of storing it itself with two scans of the intervals on FerretDB. Both
    // are done again from the outbox if anything stops in between.
    if (output.presence.length > 0) {
      fence();
      await this.presence.recordChanges(output.presence);
    }
    for (const change of output.presence) await this.nats.publishPresence(presenceMessage(change), fence());
    for (const event of output.incidents) await this.recordIncident(event, fence);
  }

  /**
   * Closes the hall's stored open incidents that its monitor (`held`: what its state holds open)
   * would never close (unheldCloses: after a restore, those opened after the backup), the way its
   * own closes go: published on the incident's `closed` subject (reporting closes its copy), then
   * stored, with an audit entry by inference saying why. The entry is appended first, while the
   * incident is still open, so a stop in between finds it open again and reuses that entry: every
   * step is idempotent. `fence` as for deliver.
   */
  async closeUnheld(hallId: string, held: ReadonlySet<string>, fence: () => Fence): Promise<void> {
    const open = new Map((await this.incidents.openOf(hallId)).map((r) => [r._id, r]));
    const stored = [...open.values()].map((r) => ({
      id: r._id,
      openedAt: r.openedAt.getTime(),
      evidenceAt: (r.evidence ?? []).map((e) => new Date(e.capturedAt).getTime()),
    }));
    for (const close of unheldCloses(stored, held)) {
      const record = open.get(close.id)!;
      fence();
      const entry = await this.closeEntry(record, close);
      const closedAt = new Date(close.closedAt).toISOString();
      const message = { ...toMessage(record), closedAt, durationMs: close.closedAt - record.openedAt.getTime() };
      await this.nats.publishIncident({ ...message, audit: entry && auditEntryOf(entry) }, fence());
      fence();
      await this.incidents.upsert(message);
      this.log.warn(`incident ${record._id}: closed at ${closedAt}: ${close.reason}`);
    }
  }

  /** The incident's `closed` audit entry: the one a stopped earlier attempt appended, else a new one. */
  private async closeEntry(record: IncidentRecord, close: UnheldClose): Promise<StoredAuditEntry | undefined> {
    const isClose = (a: StoredAuditEntry) => a.action === AuditActions.closed;
    const earlier = record.audit?.find(isClose);
    if (earlier) return earlier;
    const entry = {
      by: SYSTEM_WRITERS.inference.username,
      at: new Date().toISOString(),
      action: AuditActions.closed,
      reason: close.reason,
    };
    const outcome = await this.incidents.append(record._id, entry, { accept: (r) => !r.audit?.some(isClose) });
    return outcome?.record.audit?.find(isClose);
  }

  private async recordIncident({ type, incident }: IncidentEvent, fence: () => Fence): Promise<void> {
    const duty = await this.leaves.dutyAt(incident);
    const message = { ...incidentMessage(incident, this.site.windowsOf(incident), duty.staff), leaveId: duty.leaveId };
    // The frames' hashes as stored just before this event went to the outbox (keepEvidence).
    const frames = (await this.evidence.list([incident.id])).get(incident.id) ?? [];
    const hashes = frames.flatMap((f) => (f.sha256 ? [{ n: f.n, sha256: f.sha256, capturedAt: new Date(f.capturedAt) }] : []));
    fence();
    const excused = await this.incidents.upsert(message, duty.excused, hashes);
    await this.nats.publishIncident({ ...message, audit: excused && auditEntryOf(excused) }, fence());
    if (type === 'opened' && !duty.leaveId) await this.leaves.excuse(incident);
    this.log.log(`incident ${type}: ${message.id}`);
  }
}

export function presenceMessage(change: StateChange): PresenceMessage {
  return {
    windowId: change.windowId,
    hallId: change.hallId,
    state: change.state,
    since: new Date(change.since).toISOString(),
    at: new Date(change.at).toISOString(),
  };
}

export function incidentMessage(incident: Incident, windowIds: string[], staff: string | undefined): IncidentMessage {
  const iso = (t: number | undefined) => (t === undefined ? undefined : new Date(t).toISOString());
  const queue = incident.evidence.queueEvent;
  return {
    id: incident.id,
    kind: incident.kind,
    hallId: incident.hallId,
    windowId: incident.windowId,
    windowIds,
    cameraId: incident.cameraId,
    staff,
    openedAt: iso(incident.openedAt) as string,
    closedAt: iso(incident.closedAt),
    durationMs: incident.closedAt === undefined ? undefined : incident.closedAt - incident.openedAt,
    reason: incident.evidence.reason,
    queueEvent:
      queue && incident.windowId
        ? { windowId: incident.windowId, staffId: queue.staffId, event: queue.event, at: iso(queue.at)! }
        : undefined,
  };
}
