import type { HallMonitor, HallMonitorSnapshot, MonitorOutput } from '@hallwatch/domain';
import type { Feed } from '../repositories/nats.repository';
import type { EvidenceFrame } from './evidence-buffer';

/** An output decided and not yet in the saved outbox, with the evidence frames of its incident events (chosen when it was decided). */
export interface PendingOutput {
  output: MonitorOutput;
  /** One list per event of `output.incidents`, in its order. */
  evidence: EvidenceFrame[][];
}

/** One hall this instance monitors: its domain monitor and what the hub, its persistence and its judging keep of it. */
export interface MonitoredHall {
  id: string;
  monitor: HallMonitor;
  /** Ticks wait until the statuses missed while nobody held the hall are applied. */
  ready: boolean;
  /** Changed since the last save. */
  dirty: boolean;
  /** When its state was last saved by this instance, or taken (wall time). */
  savedAt: number;
  /** A periodic save waits in the hall's queue: another would only write the same state again. */
  saveWaiting: boolean;
  /** Set when the hall is given up: its queued steps are skipped, nothing more is written. */
  stopped: boolean;
  /** A tick is queued or running. */
  ticking: boolean;
  /** Outputs decided since the last write of the outbox, in order: the next write takes them all. */
  pending: PendingOutput[];
  /** A write of the pending outputs is queued in the hall's backlog and has not started: later outputs join it. */
  writing?: Promise<void>;
  /** Sequence number of the next outbox entry. */
  seq: number;
  /** Each window's state's since as the outputs saved so far left it: what its next change ends. */
  stateSince: Map<string, number>;
  /** Outbox entries delivered since the last save; the next save removes them from the saved outbox. */
  delivered: string[];
  /** Failures in a row counted in its saved state when taken (0 once it ran cleanly since), and when it was taken. */
  failures: number;
  takenAt: number;
  /** When a frame of the hall was last judged (wall time); undefined since it was taken. */
  judgedAt?: number;
  feeds: Feed[];
}

/** A hall just taken: `seq` continues its saved outbox, `failures` is the count in its saved state, `snapshot` the state it was restored from (its windows' since). */
export function monitoredHall(
  id: string,
  monitor: HallMonitor,
  seq: number,
  failures: number,
  snapshot?: HallMonitorSnapshot,
): MonitoredHall {
  const flags = { ready: false, dirty: false, saveWaiting: false, stopped: false, ticking: false };
  const now = Date.now();
  const stateSince = new Map(Object.entries(snapshot?.presence.windows ?? {}).map(([windowId, t]) => [windowId, t.since]));
  return { id, monitor, ...flags, pending: [], seq, stateSince, delivered: [], failures, takenAt: now, savedAt: now, feeds: [] };
}

/** This instance may no longer act for a hall: its lease ran out. */
export class LeaseExpired extends Error {}
