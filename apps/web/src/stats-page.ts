import type { Incident } from './api';
import type { components } from './generated/api';
import { localWeekdayHour } from './format';

/** A period of local dates, both included (YYYY-MM-DD). */
export type Period = [string, string];

const pad = (n: number) => String(n).padStart(2, '0');
/** The last day of a month (YYYY-MM). */
const lastDay = (month: string) => {
  const [y, m] = month.split('-').map(Number);
  return `${month}-${pad(new Date(Date.UTC(y, m, 0)).getUTCDate())}`;
};

/** A whole month (YYYY-MM). */
export function monthPeriod(month: string): Period {
  return [`${month}-01`, lastDay(month)];
}

/** The periods of the date picker's shortcuts, from today's local date: this month and year so far, last month whole. */
export function periodShortcuts(today: string): { thisMonth: Period; lastMonth: Period; thisYear: Period } {
  const [y, m] = today.split('-').map(Number);
  const previous = m === 1 ? `${y - 1}-12` : `${y}-${pad(m - 1)}`;
  return { thisMonth: [`${today.slice(0, 7)}-01`, today], lastMonth: monthPeriod(previous), thisYear: [`${y}-01-01`, today] };
}

/** A local date as the date picker's Date (midnight in the browser's zone, which it formats back to the same date). */
export function pickerDate(date: string): Date {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(y, m - 1, d);
}

/**
 * Incidents the absence heat map counts: confirmed ones and those not decided yet (open, closed,
 * appealed); not those dismissed on review or excused by an approved leave.
 */
export const HEAT_STATUSES: ReadonlySet<Incident['status']> = new Set(['open', 'closed', 'confirmed', 'appealed']);

/** [hour, weekday (0 = Monday), count] cells of the heat map, by the local time each incident opened. */
export function heatCells(incidents: readonly Pick<Incident, 'openedAt' | 'status'>[], timeZone: string): [number, number, number][] {
  const counts = new Map<string, number>();
  for (const i of incidents) {
    if (!HEAT_STATUSES.has(i.status)) continue;
    const [d, h] = localWeekdayHour(i.openedAt, timeZone);
    counts.set(`${h}:${d}`, (counts.get(`${h}:${d}`) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => {
    const [h, d] = k.split(':').map(Number);
    return [h, d, n];
  });
}

/** The file name of a download: RFC 5987 `filename*` (UTF-8) when given, else `filename`. */
export function downloadName(contentDisposition: string | null, fallback: string): string {
  const header = contentDisposition ?? '';
  const utf8 = /filename\*=UTF-8''([^;]+)/i.exec(header)?.[1];
  if (utf8) return decodeURIComponent(utf8);
  return /filename="([^"]+)"/.exec(header)?.[1] ?? fallback;
}

/** One hour of the waitingCount series (GET /api/stats/waiting). */
export type WaitingHour = components['schemas']['WaitingHourDto'];

/**
 * The waitingCount chart: per hall a line of the hourly mean and a dashed one of the peak, over
 * time; an hour never known is a gap, never 0. Null when no hour of any hall was known.
 */
export function waitingChart(rows: readonly WaitingHour[], hallName: (id: string) => string, labels: { mean: string; peak: string }) {
  if (!rows.some((r) => r.meanWaiting !== null)) return null;
  const halls = [...new Set(rows.map((r) => r.hallId))];
  const series = halls.flatMap((hall) => {
    const own = rows.filter((r) => r.hallId === hall);
    const line = (key: 'meanWaiting' | 'peakWaiting', label: string, dashed: boolean) => ({
      type: 'line',
      name: `${hallName(hall)} ${label}`,
      showSymbol: false,
      lineStyle: dashed ? { type: 'dashed' } : undefined,
      data: own.map((r) => [r.hour, r[key]]),
    });
    return [line('meanWaiting', labels.mean, false), line('peakWaiting', labels.peak, true)];
  });
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0, type: 'scroll' },
    grid: { left: 48, right: 16, top: 32, bottom: 40 },
    xAxis: { type: 'time' },
    yAxis: { type: 'value', minInterval: 1 },
    series,
  };
}

/** The waitingCount series covers at most this many days (GET /api/stats/waiting). */
export const WAITING_MAX_DAYS = 92;
