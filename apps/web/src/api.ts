import { session, signOut, type Role } from './session';

/** An API answer other than 2xx, with the server's message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

let onExpired: () => void = () => undefined;
/** What to do when the API says the token is missing or expired (the router sends the user to login). */
export function whenExpired(handler: () => void): void {
  onExpired = handler;
}

function authHeaders(): Record<string, string> {
  return session.current ? { Authorization: `Bearer ${session.current.token}` } : {};
}

async function send(path: string, init: RequestInit = {}): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers: { ...authHeaders(), ...(init.headers ?? {}) } });
  } catch {
    throw new ApiError(0, 'network');
  }
  if (res.status === 401 && session.current) {
    signOut('login.expired');
    onExpired();
  }
  if (!res.ok) {
    let message = res.statusText;
    try {
      const body = (await res.json()) as { message?: string | string[] };
      if (body.message) message = Array.isArray(body.message) ? body.message.join('; ') : body.message;
    } catch {
      // not JSON: keep the status text
    }
    throw new ApiError(res.status, message);
  }
  return res;
}

/** Revokes the session's token on every gateway (POST /api/auth/logout); the session ends here either way. */
export async function revokeToken(): Promise<void> {
  if (session.current) await send('/api/auth/logout', { method: 'POST' }).catch(() => undefined);
}

export async function getJson<T>(path: string): Promise<T> {
  return (await (await send(path)).json()) as T;
}

/** A page of a list endpoint (GET /api/incidents): `nextCursor` is set while more follow. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** The API's largest page. */
const PAGE_MAX = 1000;

/** Every item of a paged list, a page (of the most the API gives at once) after the other. */
export async function getAllPages<T>(path: string, params: Record<string, string | undefined | null>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await getJson<Page<T>>(`${path}${query({ ...params, limit: String(PAGE_MAX), cursor })}`);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

export async function sendJson<T>(method: 'POST' | 'PATCH', path: string, body: unknown): Promise<T> {
  const res = await send(path, { method, body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
  return (await res.json()) as T;
}

/** A binary answer (images, downloads) with its headers. */
export async function getBlob(path: string): Promise<{ blob: Blob; headers: Headers }> {
  const res = await send(path);
  return { blob: await res.blob(), headers: res.headers };
}

export function query(params: Record<string, string | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const text = q.toString();
  return text ? `?${text}` : '';
}

export interface LoginAnswer {
  accessToken: string;
  expiresIn: number;
  role: Role;
  halls: string[];
}

export type PresenceState = 'staffed' | 'absent' | 'unknown' | 'closed';

export interface LiveWindow {
  windowId: string;
  hallId: string;
  name: string;
  state: PresenceState;
  since: string | null;
}

export interface SiteHall {
  id: string;
  name: string;
  kind: 'hall' | 'township';
  minStaffedWindows: number;
}
export interface SiteWindow {
  id: string;
  hallId: string;
  name: string;
  department: string;
  cameraId: string;
  zone: [number, number][];
  staffOnRoster: string[];
}
export interface Site {
  timezone: string;
  halls: SiteHall[];
  cameras: { id: string; hallId: string; sampleEverySeconds: number }[];
  windows: SiteWindow[];
}

export type IncidentStatus = 'open' | 'closed' | 'excused' | 'confirmed' | 'dismissed' | 'appealed';
export interface Incident {
  id: string;
  kind: string;
  hallId: string;
  windowId?: string;
  windowIds?: string[];
  cameraId?: string;
  staff?: string;
  openedAt: string;
  closedAt?: string;
  durationMs?: number;
  /** The approved leave that excuses it. */
  leaveId?: string;
  /** queue-open-seat-empty: the queue system's event that opened the window for calling. */
  queueEvent?: { windowId: string; staffId: string; event: 'login' | 'pause' | 'resume' | 'logout'; at: string };
  status: IncidentStatus;
  /** Decisions, appeals and excuses; correction: an admin changed the incident after its appeal was decided. */
  audit: { by: string; at: string; action: string; reason?: string; n?: number; correction?: boolean }[];
  evidence: { n: number; role: string; capturedAt: string; sha256?: string }[];
  /** Who looked at which evidence frame, when. */
  views: { by: string; at: string; n: number }[];
  /** An appeal was decided: no further appeal, only an admin's correction. */
  final: boolean;
}

export interface PresenceEvent {
  windowId: string;
  hallId: string;
  state: PresenceState;
  since: string;
  at: string;
}

/** The incident as its events carry it: without its status, trail and evidence. */
export type IncidentMessage = Omit<Incident, 'status' | 'audit' | 'evidence' | 'views' | 'final'>;
export type LiveIncidentEvent =
  | { type: 'incident.opened' | 'incident.closed' | 'incident.excused'; data: IncidentMessage }
  | { type: 'incident.reviewed'; data: IncidentMessage & { review: 'confirmed' | 'dismissed' | 'appealed'; reviewedAt: string } }
  | { type: 'incident.unexcused'; data: IncidentMessage & { revokedLeaveId: string } };
export type LiveEvent = { type: 'presence'; data: PresenceEvent } | LiveIncidentEvent;
/** The push channel's events: presence, and what happened to an incident as on hallwatch.incident.<windowId>.<event>. */
const LIVE_EVENTS = new Set<string>(['presence', ...['opened', 'closed', 'reviewed', 'excused', 'unexcused'].map((e) => `incident.${e}`)]);

/**
 * Follows GET /api/live/events (Server-Sent Events). Read with fetch rather than EventSource so the
 * token travels in the Authorization header, never in a URL. Resolves when the stream ends.
 * `onBlock` hears every event, pings included: a stream that stays silent is a dead one.
 */
export async function followEvents(
  onEvent: (e: LiveEvent) => void,
  signal: AbortSignal,
  onOpen: () => void,
  onBlock: () => void = () => undefined,
): Promise<void> {
  const res = await send('/api/live/events', { headers: { Accept: 'text/event-stream' }, signal });
  onOpen();
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      onBlock();
      let type = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) type = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      if (LIVE_EVENTS.has(type) && data.length > 0) {
        onEvent({ type, data: JSON.parse(data.join('\n')) } as LiveEvent);
      }
    }
  }
}
