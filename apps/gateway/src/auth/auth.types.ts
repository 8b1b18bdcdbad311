import type { Role } from '@hallwatch/config';

/** How long an access token lives. */
export const TOKEN_TTL_SECONDS = 8 * 3600;

/** The caller, as carried in the access token. */
export interface AuthUser {
  username: string;
  role: Role;
  /** Halls a hall_manager may see; empty for roles that see every hall. */
  halls: string[];
}

/** Roles that see every hall; a hall_manager sees only its own. */
export const ALL_HALL_ROLES: Role[] = ['admin', 'supervisor', 'evaluator'];

/** The token itself, beside its user: what logout needs to revoke it. */
export interface AuthToken {
  /** The token's unique id (its `jti`). */
  id: string;
  /** When it expires (epoch ms). */
  expiresAt: number;
}
