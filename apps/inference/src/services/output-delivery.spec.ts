import sharp from 'sharp';
import { parseSite } from '@hallwatch/config';
import { AuditActions, type IncidentMessage } from '@hallwatch/contracts';
import { UNHELD_CLOSE_REASON, type Incident } from '@hallwatch/domain';
import type { ServiceContext } from '@hallwatch/runtime';
import type { EvidenceRepository } from '../repositories/evidence.repository';
import type { AppendChange, IncidentRepository } from '../repositories/incident.repository';
import type { IncidentRecord, StoredAuditEntry } from '../repositories/incident.schemas';
import type { NatsRepository } from '../repositories/nats.repository';
import type { PresenceRepository } from '../repositories/presence.repository';
import type { LeaveExcuses } from './leave-excuses.service';
import { OutputDelivery } from './output-delivery';
import { SiteHalls } from './site-halls';

const siteFile = (evidence: string) => `
halls:
  - { id: h1, name: 一厅, kind: hall, minStaffedWindows: 0 }
cameras:
  - { id: cam-1, hall: h1, rtsp: "rtsp://127.0.0.1:1/a", sampleEverySeconds: 1 }
windows:
  - { id: W01, hall: h1, name: 1号窗口, department: 甲, camera: cam-1, zone: [[0, 0], [0.5, 0], [0.5, 1], [0, 1]] }
schedules:
  default: { weekdays: [mon, tue, wed, thu, fri, sat, sun], open: ["00:00-24:00"] }
${evidence}
`;

/** A 64×32 frame of sharp black and white columns (2 px wide): blurring turns it grey. */
async function stripes(): Promise<Buffer> {
  const raw = Buffer.alloc(64 * 32 * 3);
  for (let p = 0; p < 64 * 32; p++) raw.fill(Math.floor((p % 64) / 2) % 2 ? 255 : 0, p * 3, p * 3 + 3);
  return sharp(raw, { raw: { width: 64, height: 32, channels: 3 } })
    .jpeg({ quality: 95 })
    .toBuffer();
}

/** Every stored frame's bytes, for the site file's evidence section. */
async function stored(evidence: string, jpeg: Buffer): Promise<Buffer[]> {
  const written: Buffer[] = [];
  const repo = { put: async (_file: unknown, bytes: Buffer) => void written.push(bytes) };
  const ctx = { site: parseSite(siteFile(evidence)), env: { instance: 't' } } as unknown as ServiceContext;
  const delivery = new OutputDelivery(
    new SiteHalls(ctx),
    {} as PresenceRepository,
    {} as IncidentRepository,
    repo as unknown as EvidenceRepository,
    {} as NatsRepository,
    {} as LeaveExcuses,
  );
  const incident = { id: 'absence:h1:W01:1' } as Incident;
  await delivery.keepEvidence(incident, [{ n: 1, role: 'threshold', cameraId: 'cam-1', frame: { at: 1, jpeg } }]);
  return written;
}

/** Mean grey level of columns [x1, x2) of a JPEG's first row, and how far its pixels stray from it. */
async function columns(jpeg: Buffer, x1: number, x2: number): Promise<{ spread: number }> {
  const { data } = await sharp(jpeg).greyscale().raw().toBuffer({ resolveWithObject: true });
  const row = [...data.subarray(16 * 64 + x1, 16 * 64 + x2)];
  const mean = row.reduce((a, b) => a + b, 0) / row.length;
  return { spread: Math.max(...row.map((v) => Math.abs(v - mean))) };
}

describe('OutputDelivery.keepEvidence', () => {
  it('stores the frame blurred outside the window zones by default, never the original', async () => {
    const jpeg = await stripes();
    const [written] = await stored('', jpeg);
    expect(written.equals(jpeg)).toBe(false);
    // Left half (W01's zone, away from its edge): black and white stripes, ±127 around grey.
    expect((await columns(written, 4, 26)).spread).toBeGreaterThan(100);
    // Right half, outside every zone: blurred to an even grey.
    expect((await columns(written, 40, 60)).spread).toBeLessThan(20);
  });

  it('keeps no frame it cannot mask rather than the unmasked one', async () => {
    expect(await stored('', Buffer.from('not a jpeg'))).toEqual([]);
  });

  it('stores the frame as captured with evidence.mask: none', async () => {
    const jpeg = await stripes();
    expect(await stored('evidence: { mask: none }', jpeg)).toEqual([jpeg]);
  });
});

describe('OutputDelivery.closeUnheld', () => {
  const opened = new Date('2026-11-25T02:00:00Z');
  const threshold = new Date('2026-11-25T02:10:00Z');
  const record = (id: string, extra: Partial<IncidentRecord> = {}): IncidentRecord => ({
    _id: id,
    kind: 'absence',
    hallId: 'h1',
    windowId: 'W01',
    openedAt: opened,
    ...extra,
  });

  /** The delivery over repositories holding `open` as the hall's open incidents; what it does, in order. */
  function delivery(open: IncidentRecord[]) {
    const steps: string[] = [];
    const published: IncidentMessage[] = [];
    const upserted: IncidentMessage[] = [];
    const incidents = {
      openOf: jest.fn(async () => open),
      append: jest.fn(async (id: string, entry: { by: string; at: string; action: string; reason?: string }, change: AppendChange) => {
        steps.push(`append ${id}`);
        const r = open.find((o) => o._id === id)!;
        if (change.accept && !change.accept(r)) return { record: r, changed: false };
        const stored: StoredAuditEntry = { ...entry, at: new Date(entry.at), prev: 'p', hash: 'h' };
        return { record: { ...r, audit: [...(r.audit ?? []), stored] }, changed: true };
      }),
      upsert: jest.fn(async (m: IncidentMessage) => void (steps.push(`store ${m.id}`), upserted.push(m))),
    };
    const nats = { publishIncident: jest.fn(async (m: IncidentMessage) => void (steps.push(`publish ${m.id}`), published.push(m))) };
    const ctx = { site: parseSite(siteFile('')), env: { instance: 't' } } as unknown as ServiceContext;
    const d = new OutputDelivery(
      new SiteHalls(ctx),
      {} as PresenceRepository,
      incidents as unknown as IncidentRepository,
      {} as EvidenceRepository,
      nats as unknown as NatsRepository,
      {} as LeaveExcuses,
    );
    const fence = jest.fn(() => ({ owner: 't', token: 1 }));
    return { d, fence, steps, published, upserted };
  }

  it('closes an open incident the state does not hold at its last evidence frame: published, then stored, with a system audit entry', async () => {
    const lastStaffed = new Date('2026-11-25T01:59:50Z');
    const evidence = [lastStaffed, threshold].map((capturedAt, n) => ({ n, sha256: 'x', capturedAt }));
    const { d, fence, steps, published, upserted } = delivery([record('held'), record('unheld', { evidence, leaveId: 'L1' })]);
    await d.closeUnheld('h1', new Set(['held']), fence);

    expect(steps).toEqual(['append unheld', 'publish unheld', 'store unheld']);
    expect(published).toEqual([
      expect.objectContaining({
        id: 'unheld',
        closedAt: threshold.toISOString(),
        durationMs: 600_000,
        leaveId: 'L1',
        audit: expect.objectContaining({ by: 'inference', action: AuditActions.closed, reason: UNHELD_CLOSE_REASON, hash: 'h' }),
      }),
    ]);
    expect(upserted).toEqual([expect.objectContaining({ id: 'unheld', closedAt: threshold.toISOString(), durationMs: 600_000 })]);
    expect(fence).toHaveBeenCalled();
  });

  it('reuses the close entry an interrupted earlier attempt appended, and closes an incident without evidence at its opening', async () => {
    const entry: StoredAuditEntry = {
      by: 'inference',
      at: new Date(),
      action: AuditActions.closed,
      reason: UNHELD_CLOSE_REASON,
      hash: 'h0',
    };
    const { d, fence, steps, published } = delivery([record('unheld', { audit: [entry] })]);
    await d.closeUnheld('h1', new Set(), fence);
    expect(steps).toEqual(['publish unheld', 'store unheld']);
    expect(published[0]).toMatchObject({ closedAt: opened.toISOString(), durationMs: 0, audit: { hash: 'h0' } });
  });

  it('changes nothing when the state holds every open incident', async () => {
    const { d, fence, steps } = delivery([record('a'), record('b')]);
    await d.closeUnheld('h1', new Set(['a', 'b']), fence);
    expect(steps).toEqual([]);
  });
});
