import type { Rectification, Site } from './api';

/** What the 督办 pages show of cards and rectification orders (SupervisionView, OrderView). */

type Tag = 'success' | 'warning' | 'info' | 'danger' | 'primary';

export const ORDER_STATES: readonly Rectification['state'][] = ['issued', 'responded', 'returned', 'overdue', 'verified'];
export const ORDER_SOURCES: readonly Rectification['source']['kind'][] = ['incident', 'complaint', 'card', 'case'];
export const STATE_TAG: Record<Rectification['state'], Tag> = {
  issued: 'primary',
  responded: 'warning',
  returned: 'danger',
  overdue: 'danger',
  verified: 'success',
};
export const TIER_TAG: Record<Rectification['tier'], Tag> = { blue: 'primary', yellow: 'warning', red: 'danger' };
export const CARD_COLORS = ['yellow', 'red'] as const;
export const CARD_TAG: Record<(typeof CARD_COLORS)[number], Tag> = { yellow: 'warning', red: 'danger' };

/** Whom an order is for, by the site's names: a window (with its department), a department, or a hall. */
export function targetText(to: Rectification['to'], site: Site | null): string {
  if (to.window) {
    const w = site?.windows.find((x) => x.id === to.window);
    return w ? `${w.name}（${w.department}）` : to.window;
  }
  if (to.hall) return site?.halls.find((h) => h.id === to.hall)?.name ?? to.hall;
  return to.department ?? '—';
}

/**
 * The actions the order's page offers its user, by the rules the API enforces: the hall manager
 * responds while the order waits for the hall (issued, returned, overdue); the bureau (supervisor,
 * admin) verifies or sends back a responded one. The API still decides (a hall manager of another
 * hall never sees the order).
 */
export function orderActions(state: Rectification['state'], role: string | undefined): { respond: boolean; verify: boolean } {
  return {
    respond: role === 'hall_manager' && (state === 'issued' || state === 'returned' || state === 'overdue'),
    verify: (role === 'supervisor' || role === 'admin') && state === 'responded',
  };
}
