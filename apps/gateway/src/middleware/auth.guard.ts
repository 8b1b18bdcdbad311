import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Role } from '@hallwatch/config';
import { IS_PUBLIC, ROLES, WALL_SCREEN } from './auth.decorators';
import { AuthService } from '../services/auth.service';

/** Global guard: every route needs a valid bearer token or wall key (401) and one of its roles (403). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const request = context.switchToHttp().getRequest();
    const [scheme, token] = String(request.headers.authorization ?? '').split(' ');
    if (scheme !== 'Bearer' || !token) throw new UnauthorizedException('a bearer token is required');
    const verified = await this.auth.verifyToken(token);
    if (!verified) throw new UnauthorizedException('the token is invalid, expired or signed out, or its user has changed');
    const { user } = verified;
    request.user = user;
    request.token = verified.token;

    if (user.role === 'wall') {
      if (this.reflector.getAllAndOverride<boolean>(WALL_SCREEN, targets)) return true;
      throw new ForbiddenException('a wall key opens only the wall screen, not this');
    }
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    if (roles && !roles.includes(user.role)) {
      throw new ForbiddenException(`this needs one of the roles: ${roles.join(', ')}`);
    }
    return true;
  }
}
