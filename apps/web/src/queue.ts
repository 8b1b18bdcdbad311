import { reactive } from 'vue';
import type { Incident } from './api';

/** One incident of the review queue as last listed: enough to step to the next undecided one. */
export interface QueueItem {
  id: string;
  status: Incident['status'];
}

/**
 * The review queue as last listed, so an incident page can step to the next and previous (J/K) and
 * to the next undecided one; `back` is the list's address with its filters.
 */
export const queue = reactive({ items: [] as QueueItem[], back: '/incidents' });

/** What still awaits the bureau: open, closed (to review), excused (a review may still overrule the leave), appealed. */
const UNDECIDED: readonly string[] = ['open', 'closed', 'excused', 'appealed'];

export function undecided(status: string): boolean {
  return UNDECIDED.includes(status);
}

/** The first undecided item after `id` in `items` (the queue's order); undefined when none follows. */
export function nextUndecided(items: readonly QueueItem[], id: string): QueueItem | undefined {
  return items.slice(items.findIndex((i) => i.id === id) + 1).find((i) => undecided(i.status));
}

/** The list's two tabs: the violation queue, and camera outages (a record, nothing to decide). */
export type ListTab = 'violations' | 'camera';

/** The list's filters as the address keeps them (local dates YYYY-MM-DD, a page size). */
export interface ListFilters {
  tab: ListTab;
  hall?: string;
  window?: string;
  kind?: Incident['kind'];
  status?: Incident['status'];
  from?: string;
  to?: string;
  size: number;
}

export const PAGE_SIZES = [20, 50, 100] as const;
export const KINDS: readonly Incident['kind'][] = [
  'absence',
  'late-opening',
  'early-leave',
  'staffing-gap',
  'camera-offline',
  'queue-open-seat-empty',
  'citizen-waiting-seat-empty',
];
/** The violation queue's kinds: all but camera-offline. */
export const VIOLATION_KINDS = KINDS.filter((k) => k !== 'camera-offline');
export const STATUSES: readonly Incident['status'][] = ['open', 'closed', 'excused', 'confirmed', 'dismissed', 'appealed'];
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The filters an address's query names; anything unknown or malformed is left out. */
export function filtersFromQuery(query: Record<string, unknown>): ListFilters {
  const text = (key: string) => (typeof query[key] === 'string' && query[key] !== '' ? (query[key] as string) : undefined);
  const one = <T extends string>(key: string, allowed: readonly T[]) => {
    const v = text(key);
    return v && (allowed as readonly string[]).includes(v) ? (v as T) : undefined;
  };
  const from = text('from');
  const to = text('to');
  const dates = from && to && DATE.test(from) && DATE.test(to) && from <= to;
  const size = Number(text('size'));
  const tab: ListTab = text('tab') === 'camera' ? 'camera' : 'violations';
  return {
    tab,
    hall: text('hall'),
    window: text('window'),
    // The camera tab is camera-offline only; the violation queue never is.
    kind: tab === 'camera' ? undefined : one('kind', VIOLATION_KINDS),
    status: one('status', STATUSES),
    from: dates ? from : undefined,
    to: dates ? to : undefined,
    size: (PAGE_SIZES as readonly number[]).includes(size) ? size : PAGE_SIZES[1],
  };
}

/** The query that gives `filters` back (defaults left out, so the plain list has a plain address). */
export function queryFromFilters(filters: ListFilters): Record<string, string> {
  const query: Record<string, string> = {};
  if (filters.tab !== 'violations') query.tab = filters.tab;
  for (const key of ['hall', 'window', 'kind', 'status', 'from', 'to'] as const) {
    const v = filters[key];
    if (v) query[key] = v;
  }
  if (filters.size !== PAGE_SIZES[1]) query.size = String(filters.size);
  return query;
}

/** Whether a key press belongs to a text field (shortcuts must not fire while typing). */
export function typing(e: KeyboardEvent): boolean {
  const el = e.target as HTMLElement | null;
  return (!!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.isContentEditable)) || e.ctrlKey || e.metaKey || e.altKey;
}
