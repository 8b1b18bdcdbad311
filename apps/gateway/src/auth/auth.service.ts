import { Injectable, Logger, OnModuleInit, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { UserConfig } from '@hallwatch/config';
import { hashPassword, InjectContext, ServiceContext, verifyPassword } from '@hallwatch/runtime';
import type { TokenDto } from './auth.dto';
import type { AuthUser } from './auth.types';
import { ACCOUNT_RULE, ADDRESS_RULE, SignInLockedException, SignInThrottle } from './sign-in-throttle';

export const TOKEN_TTL_SECONDS = 8 * 3600;
/**
 * scrypt runs on libuv's thread pool, not on the event loop, but on a 2-core host four at once
 * still starve it: checks beyond this many wait, and beyond MAX_WAITING they get a 429.
 */
const MAX_VERIFYING = 1;
const MAX_WAITING = 32;

/** Users come from the site file (hashed passwords) and, for the demo, HALLWATCH_ADMIN_PASSWORD. */
@Injectable()
export class AuthService implements OnModuleInit {
  private readonly logger = new Logger(AuthService.name);
  private users = new Map<string, UserConfig>();
  private readonly throttle = new SignInThrottle(({ key, attempts, lockMs }) =>
    this.logger.warn(`sign-in locked for ${key} for ${Math.round(lockMs / 1000)} s after ${attempts} attempts`),
  );
  private verifying = 0;
  private readonly waiting: (() => void)[] = [];

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

  /** Signs in `username` from `address`; 401 for a wrong pair, 429 while the account or address is locked. */
  async login(username: string, password: string, address: string): Promise<TokenDto> {
    const account = `account "${username}"`;
    const from = `address ${address}`;
    // Too busy checking passwords: refused before it counts against the account.
    if (this.verifying >= MAX_VERIFYING && this.waiting.length >= MAX_WAITING) throw new SignInLockedException(1);
    this.throttle.begin([
      [account, ACCOUNT_RULE],
      [from, ADDRESS_RULE],
    ]);
    const user = this.users.get(username);
    let ok = false;
    try {
      // Verify even for an unknown name, so the answer time does not tell which names exist.
      ok = await this.verify(password, user?.passwordHash ?? DUMMY_HASH);
    } finally {
      if (user && ok) this.throttle.succeeded(account, [from]);
      else this.throttle.failed([account, from]);
    }
    if (!user || !ok) {
      this.logger.warn(`failed sign-in for "${username}" from ${address}`);
      throw new UnauthorizedException('wrong username or password');
    }
    const claims: AuthUser = { username: user.username, role: user.role, halls: user.halls };
    const accessToken = await this.jwt.signAsync(claims, { subject: user.username, expiresIn: TOKEN_TTL_SECONDS });
    return { accessToken, expiresIn: TOKEN_TTL_SECONDS, role: user.role, halls: user.halls };
  }

  /** verifyPassword, at most MAX_VERIFYING at a time. */
  private async verify(password: string, hash: string): Promise<boolean> {
    if (this.verifying >= MAX_VERIFYING) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.verifying += 1;
    try {
      return await verifyPassword(password, hash);
    } finally {
      // Hand the slot straight to the next waiter, or free it.
      const next = this.waiting.shift();
      if (next) next();
      else this.verifying -= 1;
    }
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
