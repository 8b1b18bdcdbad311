import { Injectable } from '@nestjs/common';
import { SiteConfig, windowSchedule } from '@hallwatch/config';
import {
  DEFAULT_HYSTERESIS,
  EXCUSABLE_KINDS,
  excusingLeave,
  HallMonitor,
  HallMonitorSnapshot,
  Incident,
  isOpen,
  Leave,
  RosterEntry,
  staffIdOf,
  staffOnDuty,
  WindowConfig,
} from '@hallwatch/domain';
import { InjectContext, ServiceContext } from '@hallwatch/runtime';
import type { ZoneDefinition } from '@hallwatch/vision';

/** A zone where persons are counted; `windowId` for a window's counter zone. */
export interface CountZone extends ZoneDefinition {
  windowId?: string;
}

/** The site file as the domain sees it: halls, their cameras and windows, monitors and rosters. */
@Injectable()
export class SiteHalls {
  private readonly site: SiteConfig;
  private readonly windows: Map<string, WindowConfig>;
  private readonly cameraHall: Map<string, string>;

  constructor(@InjectContext() ctx: ServiceContext) {
    this.site = ctx.site;
    this.cameraHall = new Map(ctx.site.cameras.map((c) => [c.id, c.hall]));
    this.windows = new Map(
      ctx.site.windows.map((w) => {
        const camera = ctx.site.cameras.find((c) => c.id === w.camera)!;
        const config: WindowConfig = {
          id: w.id,
          hallId: w.hall,
          cameraId: w.camera,
          minStaff: w.minStaff,
          schedule: windowSchedule(ctx.site, w),
          sampleEveryMs: camera.sampleEverySeconds * 1000,
        };
        return [w.id, config];
      }),
    );
  }

  /** The hall of a camera in the site file, or undefined for a camera it does not name. */
  hallOf(cameraId: string): string | undefined {
    return this.cameraHall.get(cameraId);
  }

  window(windowId: string): WindowConfig | undefined {
    return this.windows.get(windowId);
  }

  /** How evidence frames are stored: `outside-zones` blurs all but the camera's window zones. */
  get evidenceMask(): SiteConfig['evidence']['mask'] {
    return this.site.evidence.mask;
  }

  /** The zones a camera watches (one per window). */
  zonesOf(cameraId: string): ZoneDefinition[] {
    return this.site.windows.filter((w) => w.camera === cameraId).map((w) => ({ id: w.id, polygon: w.zone }));
  }

  /**
   * The zones where a camera's persons are counted, never identified: the counter zones of its
   * windows (`counter/<windowId>`) and the waiting zones on it (`waiting/<n>`, split into as many
   * detector tiles as they need). Ids with `/`, which no window id has, so they never meet a seat zone's.
   */
  countZonesOf(cameraId: string): CountZone[] {
    const counters = this.site.windows
      .filter((w) => w.camera === cameraId && w.counterZone)
      .map((w) => ({ id: `counter/${w.id}`, polygon: w.counterZone!, windowId: w.id }));
    const waiting = this.site.halls.flatMap((h) =>
      h.waitingZones.flatMap((z, n) => (z.camera === cameraId ? [{ id: `waiting/${h.id}/${n}`, polygon: z.zone, split: true }] : [])),
    );
    return [...counters, ...waiting];
  }

  /** The ids of a hall's counting zones, on all its cameras: its persons waiting are known only when each is. */
  countZoneIdsOfHall(hallId: string): string[] {
    return this.framedCamerasOf(hallId).flatMap((c) => this.countZonesOf(c).map((z) => z.id));
  }

  /** How long a camera's counts stand without a newer frame: as long as its seat readings (the domain's staleness, 3 samples). */
  countFreshMs(cameraId: string): number {
    return DEFAULT_HYSTERESIS.staleAfterSamples * this.site.cameras.find((c) => c.id === cameraId)!.sampleEverySeconds * 1000;
  }

  /** Cameras of the hall that watch windows. */
  camerasOf(hallId: string): string[] {
    return [...new Set([...this.windows.values()].filter((w) => w.hallId === hallId).map((w) => w.cameraId))];
  }

  /** Cameras of the hall whose frames are judged: those that watch windows or waiting zones. */
  framedCamerasOf(hallId: string): string[] {
    const waiting = this.site.halls.find((h) => h.id === hallId)?.waitingZones.map((z) => z.camera) ?? [];
    return [...new Set([...this.camerasOf(hallId), ...waiting])];
  }

  /** Whether the hall's schedule has it open at `at` (epoch ms). */
  hallOpen(hallId: string, at: number): boolean {
    const hall = this.site.halls.find((h) => h.id === hallId)!;
    return isOpen(this.site.schedules[hall.schedule], this.site.timezone, at);
  }

  /** Ids of the halls in the site file. */
  get hallIds(): string[] {
    return this.site.halls.map((h) => h.id);
  }

  /** Windows of the hall. */
  windowsOfHall(hallId: string): string[] {
    return [...this.windows.values()].filter((w) => w.hallId === hallId).map((w) => w.id);
  }

  /** The windows an incident concerns: its window, its camera's windows, or its hall's. */
  windowsOf(incident: Incident): string[] {
    if (incident.windowId) return [incident.windowId];
    const all = [...this.windows.values()];
    if (incident.cameraId) return all.filter((w) => w.cameraId === incident.cameraId).map((w) => w.id);
    return all.filter((w) => w.hallId === incident.hallId).map((w) => w.id);
  }

  /** The cameras that saw an incident's windows (none for a window removed from the site file). */
  camerasOfIncident(incident: Incident): string[] {
    return [...new Set(this.windowsOf(incident).flatMap((w) => this.windows.get(w)?.cameraId ?? []))];
  }

  /**
   * Who the incident concerns: for a queue mismatch the staff id logged in at the queue system,
   * otherwise staff on the roster of the incident's window when it began, replacements named by
   * `leaves` (those covering that time) taking their slots; undefined without a roster.
   */
  staffOf(incident: Incident, leaves: readonly Leave[]): string | undefined {
    if (incident.evidence.queueEvent) return incident.evidence.queueEvent.staffId;
    if (!incident.windowId) return undefined;
    const staff = staffOnDuty(this.rosters, leaves, incident.windowId, incident.openedAt, this.site.timezone).join(', ');
    // Messages carry at most 200 characters of staff: a shortened list beats a refused incident.
    return staff.slice(0, 200) || undefined;
  }

  /** The leave among `leaves` that excuses an absence or late opening (see excusingLeave). */
  excusedBy(incident: Pick<Incident, 'kind' | 'windowId' | 'openedAt'>, leaves: readonly Leave[]): Leave | undefined {
    if (!incident.windowId || !EXCUSABLE_KINDS.includes(incident.kind)) return undefined;
    return excusingLeave(this.rosters, leaves, incident.windowId, incident.openedAt, this.site.timezone);
  }

  /** Windows whose roster names any of these staff ids. */
  windowsRostering(staffIds: readonly string[]): string[] {
    return [...new Set(this.rosters.filter((r) => staffIds.includes(staffIdOf(r.staff))).map((r) => r.window))];
  }

  private get rosters(): RosterEntry[] {
    return this.site.rosters as RosterEntry[];
  }

  /** A hall's domain monitor, resumed from `snapshot` if given. */
  createMonitor(hallId: string, snapshot?: HallMonitorSnapshot): HallMonitor {
    const hall = this.site.halls.find((h) => h.id === hallId)!;
    // frozenAfter is ingestion's: a frozen camera reaches the rules as its status; waitTarget is reporting's.
    const { confirmSamples, confirmAfter, frozenAfter: _frozenAfter, waitTarget: _waitTarget, ...rules } = this.site.rules;
    return new HallMonitor(
      {
        hall: { id: hall.id, minStaffedWindows: hall.minStaffedWindows, schedule: this.site.schedules[hall.schedule] },
        windows: [...this.windows.values()].filter((w) => w.hallId === hallId),
        timeZone: this.site.timezone,
        rules,
        // Unset keys keep the domain's defaults.
        hysteresis: {
          ...(confirmSamples !== undefined && { confirmSamples }),
          ...(confirmAfter !== undefined && { confirmMs: confirmAfter }),
        },
      },
      snapshot,
    );
  }
}
