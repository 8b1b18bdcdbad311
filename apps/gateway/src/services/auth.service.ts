import { createHmac, randomBytes } from 'node:crypto';
import { Injectable, Logger, OnModuleInit, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { checkJwtSecret, UserConfig } from '@hallwatch/config';
import { hashPassword, InjectContext, ServiceContext, verifyPassword } from '@hallwatch/runtime';
import type { TokenDto } from '../dtos/auth.dto';
import { AuthToken, AuthUser, Caller, TOKEN_TTL_SECONDS } from '../dtos/auth.types';
import { SignInLockedException, signInKeys, SignInThrottle } from '../utils/sign-in-throttle';
import { TokenRevocations } from '../repositories/token-revocations';
import { WALL_KEY_PREFIX, WallKeysService } from './wall-keys.service';

/** What an access token carries: `ver` ends it when its user's entry changes, `jti` names it for logout. */
interface TokenClaims extends AuthUser {
  ver: string;
  jti: string;
  exp: number;
}

interface KnownUser {
  user: UserConfig;
  /** Changes whenever the user's password, role or halls do (see tokenVersion). */
  version: string;
}

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
  private users = new Map<string, KnownUser>();
  /** HALLWATCH_JWT_SECRET; unset (refused in production, see startGateway) a random key that ends with this process. */
  private readonly secret: string;
  private readonly throttle = new SignInThrottle(({ key, attempts, lockMs }) =>
    this.logger.warn(`sign-in locked for ${key} for ${Math.round(lockMs / 1000)} s after ${attempts} attempts`),
  );
  private verifying = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly jwt: JwtService,
    @InjectContext() private readonly ctx: ServiceContext,
    private readonly revocations: TokenRevocations,
    private readonly wallKeys: WallKeysService,
  ) {
    const problem = checkJwtSecret(ctx.env);
    if (problem && !ctx.env.jwtSecret)
      this.logger.warn(`${problem}; meanwhile tokens are signed with a random key and end with this process`);
    else if (problem) this.logger.warn(`${problem} (refused when NODE_ENV=production)`);
    this.secret = ctx.env.jwtSecret ?? randomBytes(32).toString('hex');
  }

  async onModuleInit(): Promise<void> {
    this.users = new Map(this.ctx.site.users.map((u) => [u.username, { user: u, version: this.tokenVersion(u, u.passwordHash) }]));
    const adminPassword = this.ctx.env.adminPassword;
    if (adminPassword) {
      const user: UserConfig = { username: 'admin', passwordHash: await hashPassword(adminPassword), role: 'admin', halls: [] };
      // Its hash is salted afresh at each start: the version follows the password itself, so every gateway agrees.
      this.users.set('admin', { user, version: this.tokenVersion(user, `HALLWATCH_ADMIN_PASSWORD ${adminPassword}`) });
    }
    if (this.users.size === 0) this.logger.warn('no users configured: nobody can sign in (see docs/site-file.md, "Users and roles")');
  }

  /**
   * The user's entry as a short keyed hash: the same on every gateway with the same site file and
   * secret, different once the password, role or halls change. Keyed, so a token (readable by
   * anyone who holds it) tells nothing about the password hash.
   */
  private tokenVersion(user: UserConfig, credential: string): string {
    const entry = JSON.stringify([credential, user.role, [...user.halls].sort()]);
    return createHmac('sha256', this.secret).update(entry).digest('base64url').slice(0, 22);
  }

  /** Signs in `username` from `address`; 401 for a wrong pair, 429 while the account or address is locked. */
  async login(username: string, password: string, address: string): Promise<TokenDto> {
    const keys = signInKeys(username, address);
    // Too busy checking passwords: refused before it counts against the account.
    if (this.verifying >= MAX_VERIFYING && this.waiting.length >= MAX_WAITING) throw new SignInLockedException(1);
    this.throttle.begin(keys.rules);
    const known = this.users.get(username);
    let ok = false;
    try {
      // Verify even for an unknown name, so the answer time does not tell which names exist.
      ok = await this.verify(password, known?.user.passwordHash ?? DUMMY_HASH);
    } finally {
      if (known && ok) this.throttle.succeeded(keys.pair, keys.others);
      else this.throttle.failed(keys.all);
    }
    if (!known || !ok) {
      this.logger.warn(`failed sign-in for "${username}" from ${address}`);
      throw new UnauthorizedException('wrong username or password');
    }
    const { user, version } = known;
    const claims = { username: user.username, role: user.role, halls: user.halls, ver: version };
    const accessToken = await this.jwt.signAsync(claims, {
      secret: this.secret,
      algorithm: 'HS256',
      subject: user.username,
      jwtid: randomBytes(16).toString('base64url'),
      expiresIn: TOKEN_TTL_SECONDS,
    });
    return { accessToken, expiresIn: TOKEN_TTL_SECONDS, role: user.role, halls: user.halls };
  }

  /** Ends the token on every gateway, for the rest of its life. */
  async logout(user: AuthUser, token: AuthToken): Promise<void> {
    await this.revocations.revoke(token.id, user.username, token.expiresAt);
    this.logger.log(`"${user.username}" signed out`);
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

  /**
   * The token's user and the token, or undefined when it is invalid, expired, signed out, or its
   * user was removed or changed (password, role, halls) since it was issued. A wall key names its
   * screen until it is revoked.
   */
  async verifyToken(token: string): Promise<{ user: Caller; token: AuthToken } | undefined> {
    if (token.startsWith(WALL_KEY_PREFIX)) {
      const wall = await this.wallKeys.verify(token);
      return wall && { user: wall, token: { id: wall.username, expiresAt: Infinity } };
    }
    let claims: TokenClaims;
    try {
      claims = await this.jwt.verifyAsync<TokenClaims>(token, { secret: this.secret, algorithms: ['HS256'] });
    } catch {
      return undefined;
    }
    const known = this.users.get(claims.username);
    if (!known || claims.ver !== known.version || typeof claims.jti !== 'string') return undefined;
    if (await this.revocations.isRevoked(claims.jti)) return undefined;
    const { username, role, halls } = known.user;
    return { user: { username, role, halls }, token: { id: claims.jti, expiresAt: claims.exp * 1000 } };
  }
}

const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
