import { PRESENCE_STATES } from '@hallwatch/domain';
import type { ServiceMetrics } from '@hallwatch/runtime';
import type { MonitoredHall } from './monitored-hall';
import type { SiteHalls } from './site-halls';

/**
 * The hall gauges, computed at scrape time: per hall this instance holds (`halls`), the age of its
 * last judged frame and each window's state; per hall of the site file, whether its schedule has
 * it open (every instance: a hall nobody holds is still open).
 */
export function exportHallGauges(metrics: ServiceMetrics, site: SiteHalls, halls: () => MonitoredHall[]): void {
  // GET /api/health: each hall this instance holds, when a frame of it was last judged (null: none since it took the hall).
  metrics.healthDetail('halls', () =>
    halls().map((h) => ({
      hall: h.id,
      judgedAt: h.judgedAt === undefined ? null : new Date(h.judgedAt).toISOString(),
      takenAt: new Date(h.takenAt).toISOString(),
    })),
  );
  metrics.gauge({
    name: 'hallwatch_hall_judged_age_seconds',
    help: 'Seconds since a frame of the hall was last judged, or since this instance took the hall when none was since',
    labelNames: ['hall'],
    collect() {
      this.reset();
      const now = Date.now();
      for (const hall of halls()) this.set({ hall: hall.id }, (now - (hall.judgedAt ?? hall.takenAt)) / 1000);
    },
  });
  metrics.gauge({
    name: 'hallwatch_window_state',
    help: "A window's current presence state: 1 for the state it is in, 0 for the others (windows of the halls this instance holds)",
    labelNames: ['window', 'state'],
    collect() {
      this.reset();
      for (const hall of halls())
        for (const window of site.windowsOfHall(hall.id)) {
          const current = hall.monitor.windowState(window) ?? 'unknown'; // before its first input
          for (const state of PRESENCE_STATES) this.set({ window, state }, state === current ? 1 : 0);
        }
    },
  });
  metrics.gauge({
    name: 'hallwatch_hall_open',
    help: "Whether the hall's schedule has it open now (1) or closed (0)",
    labelNames: ['hall'],
    collect() {
      this.reset();
      const now = Date.now();
      for (const hall of site.hallIds) this.set({ hall }, site.hallOpen(hall, now) ? 1 : 0);
    },
  });
}
