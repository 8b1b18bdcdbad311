import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Role } from '@hallwatch/config';
import type { AuthToken, AuthUser } from '../dtos/auth.types';

export const IS_PUBLIC = 'hallwatch:public';
export const ROLES = 'hallwatch:roles';
export const WALL_SCREEN = 'hallwatch:wall-screen';

/** Opens a route to callers without a token (only the login). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Restricts a route to these roles; routes without it accept any signed-in role. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES, roles);

/** Opens a read to wall keys too (the wall screen's own reads); every other route refuses them. */
export const WallScreen = () => SetMetadata(WALL_SCREEN, true);

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthUser => ctx.switchToHttp().getRequest().user);

export const CurrentToken = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthToken => ctx.switchToHttp().getRequest().token);
