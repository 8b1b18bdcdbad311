import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { keepsEvidence, purgeClockRefusal } from '@hallwatch/domain';
import { InjectContext, LEASE_TTL_MS, leaseInstanceName, ServiceContext } from '@hallwatch/runtime';
import { EvidenceRepository } from '../repositories/evidence.repository';
import { IncidentRepository } from '../repositories/incident.repository';
import { MonitorStateRepository } from '../repositories/monitor-state.repository';
import { PresenceRepository } from '../repositories/presence.repository';
import { PurgeLeaseRepository } from '../repositories/purge-lease.repository';

const EVERY_MS = 60 * 60 * 1000;
/** A purge refused for the host clock is tried again this much later (not an hour: the clock may be fixed soon). */
const CLOCK_RETRY_MS = 5 * 60 * 1000;
const PURGE_LEASE = 'retention';

export interface Purged {
  evidence: number;
  presence: number;
  incidents: number;
}

/**
 * Hourly retention: evidence older than evidence.retention, presence intervals that ended more
 * than retention.presence ago, incidents closed more than retention.incidents ago. A confirmed
 * incident, or an appealed one awaiting its decision, keeps its record and evidence; an open one,
 * or one closed within its review window (evidence.retention), its evidence. Each incident is
 * judged and purged under its lock. Only the instance holding the purge lease runs it, and only
 * while the host clock is not ahead of the NATS server's or of the newest stored hall state.
 */
@Injectable()
export class EvidencePurgeService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger(EvidencePurgeService.name);
  private readonly instance: string;
  private timer?: NodeJS.Timeout;
  private retry?: NodeJS.Timeout;

  constructor(
    @InjectContext() private readonly ctx: ServiceContext,
    private readonly evidence: EvidenceRepository,
    private readonly incidents: IncidentRepository,
    private readonly presence: PresenceRepository,
    private readonly lease: PurgeLeaseRepository,
    private readonly states: MonitorStateRepository,
  ) {
    this.instance = leaseInstanceName(ctx.env.instance);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.lease.open();
    this.timer = setInterval(() => void this.purge(), EVERY_MS);
    this.timer.unref();
    void this.purge();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    clearTimeout(this.retry);
  }

  /** Purges what is past its retention at `now` if no other instance is purging; undefined when skipped or failed. */
  async purge(now = Date.now()): Promise<Purged | undefined> {
    if (!(await this.lease.acquire(PURGE_LEASE, this.instance).catch(() => false))) return undefined;
    // Held through a long purge, so no second instance starts one meanwhile.
    const renewal = setInterval(() => void this.lease.renew(PURGE_LEASE, this.instance).catch(() => false), LEASE_TTL_MS / 3);
    try {
      const refusal = purgeClockRefusal(now, {
        natsServer: (await this.lease.writtenAt(PURGE_LEASE))?.getTime(),
        newestStored: (await this.states.newestSavedAt())?.getTime(),
      });
      if (refusal) {
        this.log.warn(`retention purge not run, retrying in ${CLOCK_RETRY_MS / 60_000} min: ${refusal}`);
        clearTimeout(this.retry);
        this.retry = setTimeout(() => void this.purge(), CLOCK_RETRY_MS);
        this.retry.unref();
        return undefined;
      }
      const { evidence, retention } = this.ctx.site;
      const purged: Purged = {
        evidence: await this.purgeEvidence(new Date(now - evidence.retention)),
        presence: await this.presence.purgeEndedBefore(new Date(now - retention.presence)),
        incidents: await this.incidents.purgeClosedBefore(new Date(now - retention.incidents)),
      };
      if (purged.evidence + purged.presence + purged.incidents > 0) {
        this.log.log(
          `purged past retention: ${purged.evidence} evidence frame(s), ${purged.presence} presence interval(s), ${purged.incidents} incident(s)`,
        );
      }
      return purged;
    } catch (err) {
      this.log.error(`retention purge failed, retrying in an hour: ${(err as Error).message}`);
      return undefined;
    } finally {
      clearInterval(renewal);
      await this.lease.release(PURGE_LEASE);
    }
  }

  /**
   * Frames captured before `before`, incident by incident under its lock, unless the incident as
   * it stands there keeps them (an appeal filed meanwhile is seen); an incident's review window
   * starts `before`, so its frames stay until evidence.retention after it closed.
   */
  private async purgeEvidence(before: Date): Promise<number> {
    let removed = 0;
    for (const [incidentId, files] of await this.evidence.capturedBefore(before)) {
      removed += await this.incidents.locked(incidentId, async (record) =>
        record && keepsEvidence({ closedAt: record.closedAt?.getTime(), review: record.review }, before.getTime())
          ? 0
          : this.evidence.remove(files),
      );
    }
    return removed;
  }
}
