import type { Role } from '@hallwatch/config';

/** The caller, as carried in the access token. */
export interface AuthUser {
  username: string;
  role: Role;
  /** Halls a hall_manager may see; empty for roles that see every hall. */
  halls: string[];
}

/** Roles that see every hall; a hall_manager sees only its own. */
export const ALL_HALL_ROLES: Role[] = ['admin', 'supervisor', 'evaluator'];
