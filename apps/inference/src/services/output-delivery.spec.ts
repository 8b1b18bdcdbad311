import sharp from 'sharp';
import { parseSite } from '@hallwatch/config';
import type { Incident } from '@hallwatch/domain';
import type { ServiceContext } from '@hallwatch/runtime';
import type { EvidenceRepository } from '../repositories/evidence.repository';
import type { IncidentRepository } from '../repositories/incident.repository';
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
