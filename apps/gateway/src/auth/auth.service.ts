import { Injectable, Logger, OnModuleInit, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { UserConfig } from '@hallwatch/config';
import { hashPassword, InjectContext, ServiceContext, verifyPassword } from '@hallwatch/runtime';
import type { TokenDto } from './auth.dto';
import type { AuthUser } from './auth.types';

export const TOKEN_TTL_SECONDS = 8 * 3600;

/** Users come from the site file (hashed passwords) and, for the demo, HALLWATCH_ADMIN_PASSWORD. */
@Injectable()
export class AuthService implements OnModuleInit {
  private readonly logger = new Logger(AuthService.name);
  private users = new Map<string, UserConfig>();

  constructor(
    private readonly jwt: JwtService,
    @InjectContext() private readonly ctx: ServiceContext,
  ) {}

  async onModuleInit(): Promise<void> {
    this.users = new Map(this.ctx.site.users.map((u) => [u.username, u]));
    if (this.ctx.env.adminPassword) {
      const passwordHash = await hashPassword(this.ctx.env.adminPassword);
      this.users.set('admin', { username: 'admin', passwordHash, role: 'admin', halls: [] });
    }
    if (this.users.size === 0) this.logger.warn('no users configured: nobody can sign in (see README, "Users")');
  }

  async login(username: string, password: string): Promise<TokenDto> {
    const user = this.users.get(username);
    // Verify even for an unknown name, so the answer time does not tell which names exist.
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !ok) {
      this.logger.warn(`failed sign-in for "${username}"`);
      throw new UnauthorizedException('wrong username or password');
    }
    const claims: AuthUser = { username: user.username, role: user.role, halls: user.halls };
    const accessToken = await this.jwt.signAsync(claims, { subject: user.username, expiresIn: TOKEN_TTL_SECONDS });
    return { accessToken, expiresIn: TOKEN_TTL_SECONDS, role: user.role, halls: user.halls };
  }

  async verifyToken(token: string): Promise<AuthUser | undefined> {
    try {
      const claims = await this.jwt.verifyAsync<AuthUser>(token);
      const user = this.users.get(claims.username);
      // Role and halls come from the current configuration, not from an older token.
      return user ? { username: user.username, role: user.role, halls: user.halls } : undefined;
    } catch {
      return undefined;
    }
  }
}

const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
