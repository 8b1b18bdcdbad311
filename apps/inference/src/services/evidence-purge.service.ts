import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectContext, LEASE_TTL_MS, leaseInstanceName, ServiceContext } from '@hallwatch/runtime';
import { EvidenceRepository } from '../repositories/evidence.repository';
import { IncidentRepository } from '../repositories/incident.repository';
import { PresenceRepository } from '../repositories/presence.repository';
import { PurgeLeaseRepository } from '../repositories/purge-lease.repository';

const EVERY_MS = 60 * 60 * 1000;
const PURGE_LEASE = 'retention';

export interface Purged {
  evidence: number;
  presence: number;
  incidents: number;
}

/**
 * Hourly retention: evidence older than evidence.retention, presence intervals that ended more
 * than retention.presence ago, incidents closed more than retention.incidents ago. A confirmed
 * incident, or an appealed one awaiting its decision, keeps its record and evidence. Only the instance holding the purge lease runs it.
 */
@Injectable()
export class EvidencePurgeService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger(EvidencePurgeService.name);
  private readonly instance: string;
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectContext() private readonly ctx: ServiceContext,
    private readonly evidence: EvidenceRepository,
    private readonly incidents: IncidentRepository,
    private readonly presence: PresenceRepository,
    private readonly lease: PurgeLeaseRepository,
  ) {
    this.instance = leaseInstanceName(ctx.env.instance);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.lease.open(this.ctx.natsUrl, `inference-${this.instance}-purge`, this.ctx.natsAuth);
    this.timer = setInterval(() => void this.purge(), EVERY_MS);
    this.timer.unref();
    void this.purge();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Purges what is past its retention at `now` if no other instance is purging; undefined when skipped or failed. */
  async purge(now = Date.now()): Promise<Purged | undefined> {
    if (!(await this.lease.acquire(PURGE_LEASE, this.instance).catch(() => false))) return undefined;
    // Held through a long purge, so no second instance starts one meanwhile.
    const renewal = setInterval(() => void this.lease.renew(PURGE_LEASE, this.instance).catch(() => false), LEASE_TTL_MS / 3);
    try {
      const { evidence, retention } = this.ctx.site;
      const purged: Purged = {
        evidence: await this.evidence.purge(new Date(now - evidence.retention), (ids) => this.incidents.kept(ids)),
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
}
