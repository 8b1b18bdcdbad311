import { reactive } from 'vue';
import type { Incident } from './api';

/** The review queue as last listed, so an incident page can step to the next and previous (J/K). */
export const queue = reactive({ ids: [] as string[], filters: {} as Record<string, string | undefined> });

const REVIEWED = new Set(['confirmed', 'dismissed']);

/** Unreviewed first, then newest first. */
export function queueOrder(incidents: Incident[]): Incident[] {
  return [...incidents].sort(
    (a, b) => Number(REVIEWED.has(a.status)) - Number(REVIEWED.has(b.status)) || b.openedAt.localeCompare(a.openedAt),
  );
}

/** Whether a key press belongs to a text field (shortcuts must not fire while typing). */
export function typing(e: KeyboardEvent): boolean {
  const el = e.target as HTMLElement | null;
  return (!!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.isContentEditable)) || e.ctrlKey || e.metaKey || e.altKey;
}
