import { Injectable } from '@nestjs/common';
import type { FailingHall, LiveWindowState } from '@hallwatch/contracts';
import { InjectContext, ServiceContext } from '@hallwatch/runtime';
import { MonitorStateRepository } from '../repositories/monitor-state.repository';
import { PresenceRepository } from '../repositories/presence.repository';
import { FAILING_AFTER } from './hall-persistence';

/** Live window states, read from the stored presence timeline so any instance can answer. */
@Injectable()
export class WindowsService {
  constructor(
    @InjectContext() private readonly ctx: ServiceContext,
    private readonly presence: PresenceRepository,
    private readonly states: MonitorStateRepository,
  ) {}

  /** Halls that keep failing (FAILING_AFTER stops in a row or more), from their saved states so any instance can answer. */
  async failingHalls(): Promise<FailingHall[]> {
    const halls = new Set(this.ctx.site.halls.map((h) => h.id)); // a hall removed from the site file fails no more
    const failing = (await this.states.failing(FAILING_AFTER)).filter((f) => halls.has(f.hallId));
    return failing.map((f) => ({ hallId: f.hallId, failures: f.count, since: f.since.toISOString() }));
  }

  async live(halls?: string[]): Promise<LiveWindowState[]> {
    const current = new Map((await this.presence.current(halls)).map((i) => [i.windowId, i]));
    return this.ctx.site.windows
      .filter((w) => !halls || halls.includes(w.hall))
      .map((w) => {
        const interval = current.get(w.id);
        // A window never observed yet is unknown since no particular time.
        return {
          windowId: w.id,
          hallId: w.hall,
          name: w.name,
          state: interval?.state ?? 'unknown',
          since: interval?.since.toISOString() ?? null,
        };
      });
  }
}
