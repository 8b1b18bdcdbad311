import { Injectable } from '@nestjs/common';
import type { FailingHall, LiveHallState, LiveWindowState, PresenceMessage } from '@hallwatch/contracts';
import { HallMonitorSnapshot, liveOccupancy } from '@hallwatch/domain';
import { InjectContext, ServiceContext } from '@hallwatch/runtime';
import { MonitorStateRepository } from '../repositories/monitor-state.repository';
import { PresenceRepository } from '../repositories/presence.repository';
import { FAILING_AFTER } from './hall-persistence';

/**
 * How much later than its save interval (HALLWATCH_STATE_SAVE_SECONDS) a judged hall's state may be
 * saved (a slow write, a busy backlog): a state older than both together is nobody's count now, and
 * its persons are not known.
 */
const COUNT_SAVE_LATE_MS = 15_000;

/** Live window states, read from the stored presence timeline so any instance can answer. */
@Injectable()
export class WindowsService {
  constructor(
    @InjectContext() private readonly ctx: ServiceContext,
    private readonly presence: PresenceRepository,
    private readonly states: MonitorStateRepository,
  ) {}

  /** A presence change read back from the stream: its interval is put back if the database lacks it (after a restore). */
  async restoreChange(change: PresenceMessage): Promise<void> {
    await this.presence.restoreChange({ ...change, since: Date.parse(change.since) });
  }

  /** Halls that keep failing (FAILING_AFTER stops in a row or more), from their saved states so any instance can answer. */
  async failingHalls(): Promise<FailingHall[]> {
    const halls = new Set(this.ctx.site.halls.map((h) => h.id)); // a hall removed from the site file fails no more
    const failing = (await this.states.failing(FAILING_AFTER)).filter((f) => halls.has(f.hallId));
    return failing.map((f) => ({ hallId: f.hallId, failures: f.count, since: f.since.toISOString() }));
  }

  /**
   * Per hall: the persons waiting, from the counts in its saved state as they stood when it was
   * saved (any instance can answer; `at` says when they were seen, at most a save interval ago),
   * and its staffed windows against minStaffedWindows.
   */
  async liveHalls(halls?: string[]): Promise<LiveHallState[]> {
    const windows = await this.live(halls);
    const now = Date.now();
    const iso = (at: number) => new Date(at).toISOString();
    return Promise.all(
      this.ctx.site.halls
        .filter((h) => !halls || halls.includes(h.id))
        .map(async (h) => {
          const saved = await this.states.load(h.id);
          const fresh = saved && now - saved.savedAt.getTime() <= this.ctx.env.stateSaveSeconds * 1000 + COUNT_SAVE_LATE_MS;
          const occupancy = fresh ? (JSON.parse(saved.snapshot) as HallMonitorSnapshot).occupancy : undefined;
          const live = occupancy && liveOccupancy(occupancy, saved!.savedAt.getTime());
          const known = live !== undefined && live.at !== null;
          return {
            hallId: h.id,
            waiting: known ? live.waiting : null,
            waitingSince: known && live.waitingSince !== null ? iso(live.waitingSince) : null,
            at: known ? iso(live.at!) : null,
            staffedWindows: windows.filter((w) => w.hallId === h.id && w.state === 'staffed').length,
            minStaffedWindows: h.minStaffedWindows,
            windowsWaiting: known ? live.windows.map((w) => ({ windowId: w.windowId, persons: w.persons, since: iso(w.since) })) : [],
          };
        }),
    );
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
