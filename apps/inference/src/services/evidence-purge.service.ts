import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectContext, ServiceContext } from '@hallwatch/runtime';
import { EvidenceRepository } from '../repositories/evidence.repository';
import { IncidentRepository } from '../repositories/incident.repository';

const EVERY_MS = 60 * 60 * 1000;

/** Deletes evidence older than evidence.retention, hourly; a confirmed incident keeps its evidence. */
@Injectable()
export class EvidencePurgeService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger(EvidencePurgeService.name);
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectContext() private readonly ctx: ServiceContext,
    private readonly evidence: EvidenceRepository,
    private readonly incidents: IncidentRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.purge(), EVERY_MS);
    this.timer.unref();
    void this.purge();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Purges what is older than the retention period at `now`; returns how many frames went. */
  async purge(now = Date.now()): Promise<number> {
    try {
      const removed = await this.evidence.purge(new Date(now - this.ctx.site.evidence.retention), (ids) => this.incidents.confirmed(ids));
      if (removed > 0) this.log.log(`purged ${removed} evidence frame(s) past the retention period`);
      return removed;
    } catch (err) {
      this.log.error(`evidence purge failed, retrying in an hour: ${(err as Error).message}`);
      return 0;
    }
  }
}
