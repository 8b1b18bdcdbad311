import type { Counter } from 'prom-client';
import type { HallMonitor, IncidentEvent, MonitorOutput } from '@hallwatch/domain';
import type { ServiceMetrics } from '@hallwatch/runtime';
import type { FrameSample } from '../repositories/nats.repository';
import type { VisionRepository } from '../repositories/vision.repository';
import { EvidenceBuffer, EvidenceFrame, StoredFrame } from './evidence-buffer';
import type { SiteHalls } from './site-halls';

/** One input to a hall's monitor: what it decides from it. */
export type MonitorInput = (monitor: HallMonitor) => MonitorOutput;

/** Judges frames: the detector's zone readings become one monitor input per frame, and recent frames are kept as possible evidence. */
export class HallJudge {
  private readonly buffer = new EvidenceBuffer();
  private readonly judged: Counter<'camera'>;

  constructor(
    private readonly site: SiteHalls,
    private readonly vision: VisionRepository,
    metrics: ServiceMetrics,
  ) {
    this.judged = metrics.counter({
      name: 'hallwatch_frames_judged_total',
      help: 'Frames whose zones the detector judged, by camera',
      labelNames: ['camera'],
    });
  }

  /**
   * The frame's zone readings as one input (the windows it changes share one state write), or
   * undefined when the camera has no zones or its hall is no longer `held` (before or after the
   * detector: a hall given up meanwhile keeps none of it).
   */
  async judge(cameraId: string, frame: FrameSample, held: () => boolean): Promise<MonitorInput | undefined> {
    const seats = this.site.zonesOf(cameraId);
    const counted = this.site.countZonesOf(cameraId);
    if ((seats.length === 0 && counted.length === 0) || !held()) return undefined;
    // One analyzer, so seats and counting zones share the detector's passes.
    const results = await this.vision.analyze(cameraId, [...seats, ...counted], frame.jpeg, frame.capturedAt);
    this.judged.inc({ camera: cameraId });
    if (!held()) return undefined;
    const stored: StoredFrame = { at: frame.capturedAt, jpeg: frame.jpeg };
    this.buffer.addFrame(cameraId, stored);
    const byZone = new Map(results.map((r) => [r.zone, r]));
    const seatResults = seats.map((z) => byZone.get(z.id)!);
    for (const r of seatResults) {
      const window = this.site.window(r.zone)!;
      if (r.judgeable && r.persons >= (window.minStaff ?? 1)) this.buffer.markStaffed(window.id, stored);
    }
    const citizens = new Map(counted.flatMap((z) => (z.windowId ? [[z.windowId, byZone.get(z.id)!.persons]] : [])));
    const counts = counted.map((z) => ({ zone: z.id, ...(z.windowId && { windowId: z.windowId }), persons: byZone.get(z.id)!.persons }));
    // A frame that cannot be judged is so for every zone of it (see ZoneResult.judgeable).
    const judgeable = results.every((r) => r.judgeable);
    const freshMs = this.site.countFreshMs(cameraId);
    return (m) => {
      if (counts.length > 0) m.count(cameraId, frame.capturedAt, freshMs, counts, judgeable);
      const outputs = seatResults.map((r) =>
        m.observe(r.zone, {
          at: frame.capturedAt,
          persons: r.persons,
          confidence: r.confidence,
          judgeable: r.judgeable,
          ...(citizens.has(r.zone) && { citizens: citizens.get(r.zone) }),
        }),
      );
      return { presence: outputs.flatMap((o) => o.presence), incidents: outputs.flatMap((o) => o.incidents) };
    };
  }

  /** The frames kept that show an incident event (see EvidenceBuffer.choose). */
  evidence(event: IncidentEvent): EvidenceFrame[] {
    return this.buffer.choose(event, this.site.camerasOfIncident(event.incident));
  }

  /** Keeps nothing of the hall's cameras: frames and analyzers of a time it was not watched must not carry over. */
  forget(hallId: string): void {
    const cameras = this.site.framedCamerasOf(hallId);
    this.buffer.forget(cameras, this.site.windowsOfHall(hallId));
    for (const cameraId of cameras) this.vision.forget(cameraId);
  }
}
