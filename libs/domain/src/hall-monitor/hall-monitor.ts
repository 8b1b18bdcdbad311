import { AwayDeclaration } from '../incidents/away';
import { IncidentEvent, IncidentRules } from '../incidents/incident';
import { IncidentEngine } from '../incidents/incident-rules';
import { heldOpenIncidents, IncidentSnapshot } from '../incidents/rule-tracks';
import { CameraStatusChange, HallConfig, Observation, PresenceState, StateChange, WindowConfig } from '../model';
import { HallOccupancy, LiveOccupancy, OccupancySnapshot, ZoneCount } from '../occupancy/hall-occupancy';
import { HysteresisConfig, PresenceSnapshot, PresenceTracker } from '../presence/presence-tracker';
import { QueueEvent } from '../queue/queue-session';

export interface HallMonitorOptions {
  hall: HallConfig;
  windows: WindowConfig[];
  /** IANA time zone of the schedules (default Asia/Shanghai). */
  timeZone?: string;
  rules?: Partial<IncidentRules>;
  hysteresis?: Partial<HysteresisConfig>;
}

/** Plain JSON; store it after each call and pass it back to resume after a restart. */
export interface HallMonitorSnapshot {
  presence: PresenceSnapshot;
  incidents: IncidentSnapshot;
  /** Missing in snapshots saved before persons waiting were counted. */
  occupancy?: OccupancySnapshot;
}

export interface MonitorOutput {
  presence: StateChange[];
  incidents: IncidentEvent[];
}

/** Presence tracking and incident rules for one hall, fed with capture-time-stamped inputs. */
export class HallMonitor {
  private readonly tracker: PresenceTracker;
  private readonly engine: IncidentEngine;
  private readonly occupancy: HallOccupancy;
  private readonly hallId: string;

  constructor(options: HallMonitorOptions, snapshot?: HallMonitorSnapshot) {
    this.hallId = options.hall.id;
    this.tracker = new PresenceTracker(options, snapshot?.presence);
    this.engine = new IncidentEngine(options, snapshot?.incidents);
    this.occupancy = new HallOccupancy(snapshot?.occupancy);
  }

  /**
   * Fits a snapshot saved under an earlier site file to this one; call once after restoring,
   * before any input (a second call changes nothing). Windows added start `unknown` at their
   * first input like any new window; a removed window gets a final `unknown` where its timeline
   * stopped and its open incidents close; removed cameras' outages close; windows and the hall
   * take the state their current schedules give them, without counting that as an opening or
   * closing anyone saw. Rules, zones and hysteresis apply from the next input on.
   */
  reconcile(): MonitorOutput {
    const presence = this.tracker.reconcile(this.hallId);
    return { presence, incidents: this.engine.reconcile(presence) };
  }

  observe(windowId: string, obs: Observation): MonitorOutput {
    const presence = this.tracker.observe(windowId, obs);
    const incidents = this.fromChanges(presence);
    const view = this.tracker.view(windowId);
    // Only frames the tracker accepted (not redelivered, camera online) reach the rules.
    if (view?.lastFrame?.at === obs.at)
      incidents.push(
        ...this.engine.frame(windowId, {
          at: obs.at,
          reading: view.lastFrame.reading,
          pendingSince: view.pendingSince,
          // A counter that cannot be seen holds nobody known to wait.
          ...(obs.citizens !== undefined && { citizens: obs.judgeable ? obs.citizens : 0 }),
        }),
      );
    return { presence, incidents };
  }

  /**
   * The persons counted in the counting zones (waiting and counter zones) of one frame of
   * `cameraId`, standing for `freshMs`; `judgeable` false: the camera counts nobody from then on.
   */
  count(cameraId: string, at: number, freshMs: number, counts: readonly ZoneCount[], judgeable: boolean): void {
    if (judgeable) this.occupancy.count(cameraId, at, freshMs, counts);
    else this.occupancy.lost(cameraId, at);
  }

  /** The persons waiting in the hall at `at` (see HallOccupancy). */
  waiting(at: number): LiveOccupancy {
    return this.occupancy.live(at);
  }

  /** The hall's persons waiting at `at` when every one of its counting zones `zones` is known then, else null (HallOccupancy#waitingCount). */
  waitingCount(at: number, zones: readonly string[]): number | null {
    return this.occupancy.waitingCount(at, zones);
  }

  cameraStatus(cameraId: string, status: CameraStatusChange): MonitorOutput {
    if (!status.online) this.occupancy.lost(cameraId, status.at);
    const presence = this.tracker.cameraStatus(cameraId, status);
    return { presence, incidents: [...this.fromChanges(presence), ...this.engine.cameraStatus(cameraId, status)] };
  }

  /** A queue system's event (login, pause, resume, logout) of one of the hall's windows. */
  queue(event: QueueEvent): MonitorOutput {
    return { presence: [], incidents: this.engine.queue(event) };
  }

  /** A 暂离 declaration of one of the hall's windows (IncidentEngine#away); it causes nothing at once. */
  away(declaration: AwayDeclaration): MonitorOutput {
    this.engine.away(declaration);
    return { presence: [], incidents: [] };
  }

  /**
   * The hall was not judged from `at` on (it kept failing): every window turns unknown there
   * and an absence-like incident closes where the frames last vouched for it, so nothing is
   * carried on over the time nobody watched.
   */
  suspend(at: number): MonitorOutput {
    const presence = this.tracker.suspend(at);
    return { presence, incidents: this.fromChanges(presence) };
  }

  tick(at: number): MonitorOutput {
    const presence = this.tracker.tick(at);
    return { presence, incidents: [...this.engine.tick(at), ...this.fromChanges(presence)] };
  }

  /** A window's current state; undefined before its first input (it is unknown then). */
  windowState(windowId: string): PresenceState | undefined {
    return this.tracker.view(windowId)?.state;
  }

  /** The ids of the incidents this hall's rules hold open: they close them when their condition ends. */
  heldOpenIncidents(): Set<string> {
    return heldOpenIncidents(this.engine.snapshot());
  }

  snapshot(): HallMonitorSnapshot {
    return { presence: this.tracker.snapshot(), incidents: this.engine.snapshot(), occupancy: this.occupancy.snapshot() };
  }

  private fromChanges(changes: StateChange[]): IncidentEvent[] {
    return changes.flatMap((c) => this.engine.presence(c));
  }
}
