import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import {
  HallwatchLogger,
  InjectContext,
  LeaseDropReason,
  leaseInstanceName,
  LeaseKeeper,
  leaseReadiness,
  ServiceContext,
  ServiceMetrics,
} from '@hallwatch/runtime';
import { HallLeaseRepository } from '../repositories/hall-lease.repository';
import { NatsRepository } from '../repositories/nats.repository';
import { MonitorService } from './monitor.service';

/** How long a start waits for the leaves and incident events stored while no instance ran to be handled before it takes halls. */
const BACKLOGS_WAIT_MS = 30_000;

const REASONS: Record<LeaseDropReason, string> = {
  lost: 'lease lost to another instance',
  rebalanced: 'handed over to balance the load',
  failed: 'stopped: its output could not be stored or its lease ran out; it will be restored from its saved state',
  shutdown: 'shutting down',
};

/**
 * Each hall is monitored by exactly one inference instance: the holder of its lease. Instances
 * share the halls fairly; a hall handed back is saved first, and one whose holder died is taken
 * over from its last saved state once the lease expires. A holder stops judging a hall once its
 * last renewal is older than the TTL minus a margin, and every state write is fenced by the lease.
 */
@Injectable()
export class HallOwnershipService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new HallwatchLogger('inference');
  private keeper?: LeaseKeeper;

  constructor(
    @InjectContext() private readonly ctx: ServiceContext,
    private readonly monitor: MonitorService,
    private readonly leases: HallLeaseRepository,
    private readonly nats: NatsRepository,
    metrics: ServiceMetrics,
  ) {
    metrics.readiness(
      'leases',
      leaseReadiness(() => this.keeper),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    const instance = leaseInstanceName(this.ctx.env.instance);
    await this.monitor.start({
      lease: (hallId) => this.keeper?.lease(hallId),
      failed: (hallId) => void this.keeper?.giveUp(hallId),
    });
    await this.leases.open();
    this.keeper = new LeaseKeeper(
      this.leases,
      instance,
      this.ctx.site.halls.map((h) => h.id),
      {
        take: (hallId) => this.monitor.takeHall(hallId),
        // A lost lease is someone else's now: its saved state is theirs to write.
        drop: (hallId, reason) => this.monitor.releaseHall(hallId, reason === 'rebalanced' || reason === 'shutdown', REASONS[reason]),
      },
      this.log,
    );
    // A hall taken before the leaves stored meanwhile are known would open, unexcused, an absence one
    // excuses; one taken before a restore's incidents are rebuilt would leave those it does not know open.
    if (!(await this.nats.leavesAndIncidentsHandled(BACKLOGS_WAIT_MS)))
      this.log.warn(
        `the leaves on hallwatch.leaves or the incident events read back were not all handled within ${BACKLOGS_WAIT_MS / 1000} s; halls taken anyway`,
      );
    this.keeper.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.keeper?.stop();
  }
}
