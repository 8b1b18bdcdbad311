/** Times shown in the site's time zone, whatever the browser's. */
export function formatTime(iso: string | null | undefined, timeZone: string, withDate = true): string {
  if (!iso) return '—';
  const options: Intl.DateTimeFormatOptions = { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false };
  if (withDate) Object.assign(options, { year: 'numeric', month: '2-digit', day: '2-digit' });
  return new Intl.DateTimeFormat('zh-CN', options).format(new Date(iso));
}

/** 1 h 05 min, 3 min 20 s, 12 s. */
export function formatDuration(ms: number, locale: string): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const zh = locale.startsWith('zh');
  const [uh, um, us] = zh ? ['小时', '分', '秒'] : [' h ', ' min ', ' s'];
  if (h > 0) return `${h}${uh}${String(m).padStart(2, '0')}${um}`.trim();
  if (m > 0) return `${m}${um}${String(sec).padStart(2, '0')}${us}`.trim();
  return `${sec}${us}`.trim();
}

/** Offset of `timeZone` from UTC at instant `at`, in ms. */
function zoneOffset(at: number, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(new Date(at))
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
  return asUtc - Math.floor(at / 1000) * 1000;
}

/** The instant a local date (YYYY-MM-DD) begins in `timeZone`, as ISO 8601. */
export function startOfLocalDay(date: string, timeZone: string): string {
  return fromLocalTime(`${date}T00:00`, timeZone);
}

/** The instant of a local date and time (YYYY-MM-DDTHH:mm, as a datetime-local input gives it) in `timeZone`, as ISO 8601. */
export function fromLocalTime(local: string, timeZone: string): string {
  const [date, time = '00:00'] = local.split('T');
  const [y, m, d] = date.split('-').map(Number);
  const [h, min, sec = 0] = time.split(':').map(Number);
  const guess = Date.UTC(y, m - 1, d, h, min, sec);
  return new Date(guess - zoneOffset(guess - zoneOffset(guess, timeZone), timeZone)).toISOString();
}

/** Local weekday (0 = Monday) and hour of an instant in `timeZone`. */
export function localWeekdayHour(iso: string, timeZone: string): [number, number] {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', weekday: 'short', hour: '2-digit' })
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
  return [['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.weekday), +parts.hour];
}

/** Today's local date (YYYY-MM-DD) in `timeZone`, shifted by `days`. */
export function localDate(timeZone: string, days = 0): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(Date.now() + days * 86_400_000),
  );
}
