import type { Role } from '@hallwatch/config';

/** How long an access token lives. */
export const TOKEN_TTL_SECONDS = 8 * 3600;

/** The signed-in user, as carried in the access token. */
export interface AuthUser {
  username: string;
  role: Role;
  /** Halls a hall_manager may see; empty for roles that see every hall. */
  halls: string[];
}

/** A wall screen opened with a wall key: the board's reads of its halls, nothing else (see WallScreen). */
export interface WallCaller {
  /** `wall-key:<id>`. */
  username: string;
  role: 'wall';
  halls: string[];
}

/** Whoever a request comes from: only routes marked WallScreen see a WallCaller. */
export type Caller = AuthUser | WallCaller;

/** Roles that see every hall; a hall_manager sees only its own, as does a wall screen. */
export const ALL_HALL_ROLES: Role[] = ['admin', 'supervisor', 'evaluator'];

/** The token itself, beside its user: what logout needs to revoke it. */
export interface AuthToken {
  /** The token's unique id (its `jti`). */
  id: string;
  /** When it expires (epoch ms; Infinity for a wall key, which lasts until revoked). */
  expiresAt: number;
}
