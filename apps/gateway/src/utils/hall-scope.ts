import { ForbiddenException } from '@nestjs/common';
import { ALL_HALL_ROLES, Caller } from '../dtos/auth.types';

/**
 * The halls a request may cover: the one asked for, if the caller may see it, else all the
 * caller's halls (undefined = every hall). A hall outside the caller's scope is a 403.
 */
export function hallScope(user: Caller, requested?: string): string[] | undefined {
  const seesAll = user.role !== 'wall' && ALL_HALL_ROLES.includes(user.role);
  if (requested !== undefined) {
    if (!seesAll && !user.halls.includes(requested)) {
      throw new ForbiddenException(`hall "${requested}" is outside your halls`);
    }
    return [requested];
  }
  return seesAll ? undefined : user.halls;
}

export function assertHall(user: Caller, hallId: string): void {
  hallScope(user, hallId);
}
