import type { components, paths } from './generated/api';
import { session, signOut } from './session';
import { readEventStream } from './sse';

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
    signOut(session.current.role === 'wall' ? 'login.wallKeyRefused' : 'login.expired');
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

type Schemas = components['schemas'];
export type LiveWindow = Schemas['LiveWindowDto'];
export type LiveHall = Schemas['LiveHallDto'];
export type PresenceState = LiveWindow['state'];
export type SiteHall = Schemas['SiteHallDto'];
export type SiteWindow = Schemas['SiteWindowDto'];
export type Site = Schemas['SiteDto'];
export type Incident = Schemas['IncidentDto'];
export type IncidentStatus = Incident['status'];
export type ZoneOccupancy = Schemas['ZoneOccupancyDto'];
export type CsvImportResult = Schemas['CsvImportResultDto'];
export type Card = Schemas['CardDto'];
export type Rectification = Schemas['RectificationDto'];
export type RectificationState = Rectification['state'];

/**
 * The answer of the batch endpoints (POST /api/leaves, /api/complaints, /api/cases), which the API
 * document does not describe: every row in its order, accepted or refused with the reason.
 */
export interface RowAnswers {
  accepted: number;
  rejected: number;
  results: { row: number; id?: string; caseId?: string; accepted: boolean; reason?: string; warning?: string }[];
}

type Method = 'get' | 'post' | 'patch';
/** The API's paths that answer `method`. */
type PathOf<M extends Method> = { [P in keyof paths]: paths[P][M] extends undefined ? never : P }[keyof paths];
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
/** An operation's path and query parameters, as `{ path, query }` (those it has). */
type Params<O> = O extends { parameters: infer A }
  ? { [K in keyof A as K extends 'path' | 'query' ? (A[K] extends undefined ? never : K) : never]: A[K] }
  : never;
/** The parameters argument: optional when the operation needs none. */
type ParamsArg<O> = object extends Params<O> ? [params?: Params<O>] : [params: Params<O>];
/** The JSON an operation answers with 200. */
type Answer<O> = O extends { responses: { 200: { content: { 'application/json': infer T } } } } ? T : never;
type RequestBody<O> = O extends { requestBody: { content: { 'application/json': infer B } } } ? B : never;

type Scalar = string | number | undefined | null;

/** The URL of `path` (e.g. `/api/incidents/{id}`) with its parameters filled in. */
function url(path: string, params: { path?: Record<string, Scalar>; query?: Record<string, Scalar> } = {}): string {
  const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(params.path?.[name])));
  return `${filled}${query(params.query ?? {})}`;
}

export async function getJson<P extends PathOf<'get'>>(
  path: P,
  ...[params]: ParamsArg<Operation<P, 'get'>>
): Promise<Answer<Operation<P, 'get'>>> {
  return (await (await send(url(path, params))).json()) as Answer<Operation<P, 'get'>>;
}

/** The API's largest page. */
const PAGE_MAX = 1000;

/** The paths that answer pages (GET /api/incidents): `items`, and `nextCursor` while more follow. */
type PagedPath = {
  [P in PathOf<'get'>]: Answer<Operation<P, 'get'>> extends { items: unknown[]; nextCursor?: string } ? P : never;
}[PathOf<'get'>];
type Item<O> = Answer<O> extends { items: (infer I)[] } ? I : never;
type Filters<O> = Omit<NonNullable<Params<O> extends { query?: infer Q } ? Q : never>, 'limit' | 'cursor'>;

/** Every item of a paged list, a page (of the most the API gives at once) after the other. */
export async function getAllPages<P extends PagedPath>(
  path: P,
  filters: Filters<Operation<P, 'get'>>,
): Promise<Item<Operation<P, 'get'>>[]> {
  const items: Item<Operation<P, 'get'>>[] = [];
  let cursor: string | undefined;
  do {
    const page = (await (await send(url(path, { query: { ...filters, limit: PAGE_MAX, cursor } }))).json()) as {
      items: Item<Operation<P, 'get'>>[];
      nextCursor?: string;
    };
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

export async function sendJson<M extends 'POST' | 'PATCH', P extends PathOf<Lowercase<M>>>(
  method: M,
  path: P,
  body: RequestBody<Operation<P, Lowercase<M>>>,
  ...[params]: ParamsArg<Operation<P, Lowercase<M>>>
): Promise<Answer<Operation<P, Lowercase<M>>>> {
  const res = await send(url(path, params), { method, body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
  return (await res.json()) as Answer<Operation<P, Lowercase<M>>>;
}

/** A binary answer (images, downloads) with its headers. */
export async function getBlob<P extends PathOf<'get'>>(
  path: P,
  ...[params]: ParamsArg<Operation<P, 'get'>>
): Promise<{ blob: Blob; headers: Headers }> {
  const res = await send(url(path, params));
  return { blob: await res.blob(), headers: res.headers };
}

function query(params: Record<string, Scalar>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const text = q.toString();
  return text ? `?${text}` : '';
}

export interface PresenceEvent {
  windowId: string;
  hallId: string;
  state: PresenceState;
  since: string;
  at: string;
}

/** An order of the user's halls past its due time, as on hallwatch.rectification.<orderId>.overdue. */
export interface OrderOverdueEvent {
  orderId: string;
  step: number;
  action: 'overdue';
  by: string;
  at: string;
  state: RectificationState;
  tier: Rectification['tier'];
  source: Rectification['source'];
  halls: string[];
  dueAt: string;
}

/** A camera's latest reported health (GET /api/cameras/status, the push channel's `camera` event). */
export type CameraState = Schemas['CameraStateDto'];

/** The incident as its events carry it: without its status, trail and evidence. */
export type IncidentMessage = Omit<Incident, 'status' | 'audit' | 'evidence' | 'views' | 'final'>;
export type LiveIncidentEvent =
  | { type: 'incident.opened' | 'incident.closed' | 'incident.excused'; data: IncidentMessage }
  | { type: 'incident.reviewed'; data: IncidentMessage & { review: 'confirmed' | 'dismissed' | 'appealed'; reviewedAt: string } }
  | { type: 'incident.unexcused'; data: IncidentMessage & { revokedLeaveId: string } };
export type LiveEvent =
  | { type: 'presence'; data: PresenceEvent }
  | LiveIncidentEvent
  | { type: 'camera'; data: CameraState }
  | { type: 'card'; data: Card }
  | { type: 'rectification.overdue'; data: OrderOverdueEvent };
/** The push channel's events: presence, what happened to an incident as on hallwatch.incident.<windowId>.<event>, camera health, cards, orders turning overdue. */
const LIVE_EVENTS = new Set<string>([
  'presence',
  'camera',
  'card',
  'rectification.overdue',
  ...['opened', 'closed', 'reviewed', 'excused', 'unexcused'].map((e) => `incident.${e}`),
]);

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
  await readEventStream(res.body!, ({ type, data }) => {
    onBlock();
    if (LIVE_EVENTS.has(type)) onEvent({ type, data: JSON.parse(data) } as LiveEvent);
  });
}
