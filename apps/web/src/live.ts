import { computed, reactive } from 'vue';
import {
  ApiError,
  followEvents,
  type Card,
  getAllPages,
  getJson,
  type CameraState,
  type Incident,
  type IncidentMessage,
  type IncidentStatus,
  type LiveEvent,
  type LiveHall,
  type LiveIncidentEvent,
  type LiveWindow,
  type OrderOverdueEvent,
  type Site,
} from './api';

/** What the board and the wall show, kept current by the push channel. */
export const live = reactive({
  site: null as Site | null,
  windows: {} as Record<string, LiveWindow>,
  /** Persons waiting and staffed windows by hall (read every few seconds: counts are not pushed). */
  halls: {} as Record<string, LiveHall>,
  /** Open incidents by id. */
  incidents: {} as Record<string, Incident>,
  /** Each camera's latest reported health, by id (a camera that never reported has none). */
  cameras: {} as Record<string, CameraState>,
  loading: false,
  error: '',
  connected: false,
  /** Epoch ms of the last word from the push channel (an event or a ping); 0 before the first. */
  heardAt: 0,
  /** Epoch ms of the last presence change applied, by window (the benchmark reads it). */
  changedAt: {} as Record<string, number>,
});

let site: Promise<Site> | null = null;
/** The caller's halls, cameras and windows (fetched once per sign-in). */
export function loadSite(): Promise<Site> {
  site ??= getJson('/api/site').then((s) => (live.site = s));
  site.catch(() => (site = null));
  return site;
}

async function loadState(): Promise<void> {
  const [windows, open, cameras] = await Promise.all([
    getJson('/api/windows/live'),
    getAllPages('/api/incidents', { status: 'open' }),
    getJson('/api/cameras/status'),
    loadSite(),
  ]);
  live.windows = Object.fromEntries(windows.map((w) => [w.windowId, w]));
  live.incidents = Object.fromEntries(open.map((i) => [i.id, i]));
  // A change pushed while the read was under way is newer than what the read found.
  live.cameras = Object.fromEntries(cameras.map((c) => [c.cameraId, newer(c, live.cameras[c.cameraId])]));
}

function newer(a: CameraState, b: CameraState | undefined): CameraState {
  return b && Date.parse(b.at) > Date.parse(a.at) ? b : a;
}

let openedListener: (incident: IncidentMessage) => void = () => undefined;
/** Called for each incident the push channel says opened and the board did not show yet (the alerts). */
export function onIncidentOpened(listener: (incident: IncidentMessage) => void): void {
  openedListener = listener;
}

let cardListener: (card: Card) => void = () => undefined;
/** Called for each yellow or red card the push channel says was issued (the alerts). */
export function onCardIssued(listener: (card: Card) => void): void {
  cardListener = listener;
}

let overdueListener: (order: OrderOverdueEvent) => void = () => undefined;
/** Called for each order of the user's halls the push channel says turned overdue (the alerts). */
export function onOrderOverdue(listener: (order: OrderOverdueEvent) => void): void {
  overdueListener = listener;
}

function apply(event: LiveEvent): void {
  if (event.type === 'card') return cardListener(event.data);
  if (event.type === 'rectification.overdue') return overdueListener(event.data);
  if (event.type === 'incident.opened' && !live.incidents[event.data.id]) openedListener(event.data);
  if (event.type === 'presence') {
    const e = event.data;
    const known = live.windows[e.windowId];
    // A presence change leaves the window's 暂离 as it was (it ends by its time, GET /api/windows/live says which).
    live.windows[e.windowId] = {
      windowId: e.windowId,
      hallId: e.hallId,
      name: known?.name ?? e.windowId,
      state: e.state,
      since: e.since,
      ...(known?.away && { away: known.away }),
    };
    live.changedAt[e.windowId] = performance.now();
  } else if (event.type === 'camera') {
    live.cameras[event.data.cameraId] = newer(event.data, live.cameras[event.data.cameraId]);
  } else if (statusAfter(event) === 'open') {
    live.incidents[event.data.id] = { ...event.data, status: 'open', audit: [], evidence: [], views: [], final: false };
  } else {
    delete live.incidents[event.data.id];
  }
}

/**
 * The incident's status after a pushed event, as the API tells it: a review outranks a leave, a
 * leave the close. Only a `reviewed` event carries the review, so an unexcused incident the board
 * never saw reviewed counts as open until it closes.
 */
export function statusAfter(event: LiveIncidentEvent): IncidentStatus {
  if (event.type === 'incident.reviewed') return event.data.review;
  return event.data.leaveId ? 'excused' : event.data.closedAt ? 'closed' : 'open';
}

/** The site's halls as a filter's options (FilterSelect). */
export const hallOptions = computed(() => (live.site?.halls ?? []).map((h) => ({ value: h.id, label: h.name })));

/** The push channel spoke once and is down now: what the board shows is no longer live. */
export const interrupted = computed(() => !live.connected && live.heardAt > 0);

let users = 0;
let controller: AbortController | null = null;
let hallsTimer: ReturnType<typeof setInterval> | undefined;

/** How often the persons waiting are read again. */
export const HALLS_EVERY_MS = 5000;

async function loadHalls(): Promise<void> {
  try {
    live.halls = Object.fromEntries((await getJson('/api/halls/live')).map((h) => [h.hallId, h]));
  } catch {
    live.halls = {}; // not known: the board shows no count rather than an old one
  }
}

/** The gateway pings every 15 s (live.controller.ts): a stream silent for two pings is taken as down. */
export const SILENT_STREAM_MS = 30_000;

/**
 * Starts following (first user) the push channel. The state is read once on each (re)connection,
 * after the stream is open, so no change falls between the read and the stream.
 */
export function startLive(): void {
  users += 1;
  if (users > 1) return;
  void loadHalls();
  hallsTimer = setInterval(() => void loadHalls(), HALLS_EVERY_MS);
  controller = new AbortController();
  const signal = controller.signal;
  void (async () => {
    let delay = 2000;
    while (!signal.aborted) {
      live.loading = !live.site;
      // The tiles can show before the push channel is open.
      void loadSite().catch(() => undefined);
      // One connection: ended by the page (signal), or by the watchdog when the stream falls silent
      // (a stopped or unreachable gateway leaves the socket open and says nothing).
      const connection = new AbortController();
      const onAbort = () => connection.abort();
      signal.addEventListener('abort', onAbort);
      const heard = () => (live.heardAt = Date.now());
      const watchdog = setInterval(() => {
        if (live.connected && Date.now() - live.heardAt > SILENT_STREAM_MS) connection.abort();
      }, 1000);
      try {
        const following = followEvents(
          (e) => (heard(), apply(e)),
          connection.signal,
          () => {
            heard();
            live.connected = true;
            delay = 2000;
            void loadState().then(
              () => ((live.error = ''), (live.loading = false)),
              (err: ApiError) => ((live.error = err.message), (live.loading = false)),
            );
          },
          heard,
        );
        await following;
      } catch (err) {
        if (signal.aborted) break;
        if (!connection.signal.aborted) {
          live.error = (err as ApiError).status === 0 ? 'network' : (err as Error).message;
          if ((err as ApiError).status === 401) break;
        }
      } finally {
        clearInterval(watchdog);
        signal.removeEventListener('abort', onAbort);
      }
      live.connected = false;
      live.loading = false;
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 30_000);
    }
  })();
}

export function stopLive(): void {
  users = Math.max(0, users - 1);
  if (users === 0) {
    clearInterval(hallsTimer);
    controller?.abort();
    controller = null;
    live.connected = false;
  }
}

/** Forget everything on sign-out. */
export function resetLive(): void {
  site = null;
  live.site = null;
  live.windows = {};
  live.halls = {};
  live.incidents = {};
  live.cameras = {};
}
