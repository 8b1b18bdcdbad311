import { reactive } from 'vue';
import type { components } from './generated/api';

/** `wall`: a wall screen opened with a wall key (/wall?key=...), which shows the wall and nothing else. */
export type Role = components['schemas']['TokenDto']['role'] | 'wall';

export interface Session {
  token: string;
  username: string;
  role: Role;
  halls: string[];
  /** Epoch ms at which the token expires. */
  expiresAt: number;
}

// sessionStorage: the token lives as long as the browser tab, not longer.
const KEY = 'hallwatch.session';
// localStorage: a wall key stays with the screen's browser, across restarts of it and of the gateway.
const WALL_KEY = 'hallwatch.wallKey';

function wallSession(key: string): Session {
  return { token: key, username: 'wall', role: 'wall', halls: [], expiresAt: Number.MAX_SAFE_INTEGER };
}

function restore(): Session | null {
  try {
    const saved = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Session | null;
    if (saved && saved.expiresAt > Date.now()) return saved;
    const wallKey = localStorage.getItem(WALL_KEY);
    return wallKey ? wallSession(wallKey) : null;
  } catch {
    return null; // a damaged entry, or no storage (the unit tests): as if there were none
  }
}

export const session = reactive<{ current: Session | null; notice: string }>({ current: restore(), notice: '' });

export function signIn(s: Session): void {
  session.current = s;
  session.notice = '';
  sessionStorage.setItem(KEY, JSON.stringify(s));
}

/** Opens the wall with a wall key, kept by this browser until the key is refused. */
export function openWall(key: string): void {
  signIn(wallSession(key));
  sessionStorage.removeItem(KEY);
  localStorage.setItem(WALL_KEY, key);
}

/** Ends the session; `notice` is an i18n key shown on the login page (e.g. why it ended). */
export function signOut(notice = ''): void {
  if (session.current?.role === 'wall') localStorage.removeItem(WALL_KEY);
  session.current = null;
  session.notice = notice;
  sessionStorage.removeItem(KEY);
}

export function isSignedIn(): boolean {
  return !!session.current && session.current.expiresAt > Date.now();
}

export function hasRole(...roles: Role[]): boolean {
  return !!session.current && roles.includes(session.current.role);
}
