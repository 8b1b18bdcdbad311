import { reactive } from 'vue';
import type { components } from './generated/api';

export type Role = components['schemas']['TokenDto']['role'];

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

function restore(): Session | null {
  try {
    const saved = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Session | null;
    return saved && saved.expiresAt > Date.now() ? saved : null;
  } catch {
    return null;
  }
}

export const session = reactive<{ current: Session | null; notice: string }>({ current: restore(), notice: '' });

export function signIn(s: Session): void {
  session.current = s;
  session.notice = '';
  sessionStorage.setItem(KEY, JSON.stringify(s));
}

/** Ends the session; `notice` is an i18n key shown on the login page (e.g. why it ended). */
export function signOut(notice = ''): void {
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
