import type { Incident } from './api';

/** What joining reads of an incident. */
export type Part = Pick<Incident, 'id' | 'kind' | 'windowId' | 'openedAt' | 'closedAt'>;
/** A camera outage (a camera-offline incident): its camera and span, open while it lasts. */
export type Outage = Pick<Incident, 'cameraId' | 'openedAt' | 'closedAt'>;

/**
 * How far an absence's end may lie before its camera's outage begins, and its next part's start after
 * the outage ends: the window turns unknown as the camera stops, and absent again once frames are
 * judged (a couple of samples after it is back).
 */
export const OUTAGE_SLACK_MS = 120_000;

const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : Infinity);

/** The outages of each camera, overlapping ones merged, as [start, end] in epoch ms. */
function spans(outages: readonly Outage[]): Map<string, [number, number][]> {
  const byCamera = new Map<string, [number, number][]>();
  for (const o of [...outages].sort((a, b) => ms(a.openedAt) - ms(b.openedAt))) {
    if (!o.cameraId) continue;
    const list = byCamera.get(o.cameraId) ?? byCamera.set(o.cameraId, []).get(o.cameraId)!;
    const last = list[list.length - 1];
    const [start, end] = [ms(o.openedAt), ms(o.closedAt)];
    if (last && start <= last[1] + OUTAGE_SLACK_MS) last[1] = Math.max(last[1], end);
    else list.push([start, end]);
  }
  return byCamera;
}

/**
 * One continuous absence that camera outages cut into several incidents, as one group: each
 * absence joins the previous one of its window when the time between them lies within outages of
 * the window's camera. Groups come in the order of `rows` (each where its first member is), their
 * parts oldest first; every other incident is a group of its own.
 */
export function joinOutageSplits<T extends Part>(
  rows: readonly T[],
  outages: readonly Outage[],
  cameraOf: (windowId: string) => string | undefined,
): T[][] {
  const outageSpans = spans(outages);
  const covered = (camera: string | undefined, from: number, to: number) =>
    (outageSpans.get(camera ?? '') ?? []).some(([start, end]) => start <= from + OUTAGE_SLACK_MS && end >= to - OUTAGE_SLACK_MS);
  const groupOf = new Map<string, T[]>();
  const absences = rows.filter((r) => r.kind === 'absence' && r.windowId).sort((a, b) => ms(a.openedAt) - ms(b.openedAt));
  const previous = new Map<string, T>();
  for (const part of absences) {
    const before = previous.get(part.windowId!);
    const joined = before?.closedAt && covered(cameraOf(part.windowId!), ms(before.closedAt), ms(part.openedAt));
    const group = joined ? groupOf.get(before.id)! : [];
    group.push(part);
    groupOf.set(part.id, group);
    previous.set(part.windowId!, part);
  }
  const seen = new Set<T[]>();
  const groups: T[][] = [];
  for (const row of rows) {
    const group = groupOf.get(row.id) ?? [row];
    if (seen.has(group)) continue;
    seen.add(group);
    groups.push(group);
  }
  return groups;
}
