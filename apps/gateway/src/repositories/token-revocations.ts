import { Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { KV, StringCodec } from 'nats';
import { NatsAdapter } from '@hallwatch/runtime';
import { TOKEN_TTL_SECONDS } from '../dtos/auth.types';

/** The JetStream key-value bucket of revoked token ids, shared by every gateway instance. */
export const REVOKED_TOKENS_BUCKET = 'hallwatch_revoked_tokens';
/** How long a request waits for NATS to say whether its token was signed out; once NATS did not answer, far less. */
const CHECK_TIMEOUT_MS = 2000;
const CHECK_TIMEOUT_UNREACHABLE_MS = 200;
const codec = StringCodec();

/**
 * Tokens signed out before they expire (POST /api/auth/logout). Kept in NATS, which every
 * gateway already depends on (the gateway has no database of its own), so a logout holds on
 * every instance and across restarts. An entry lives as long as a token can (the bucket's TTL),
 * so the bucket holds at most one entry per logout of the last token lifetime.
 *
 * While NATS does not answer, a token signed out on another gateway passes (as does nearly
 * nothing else: every service, the live events and the snapshots are behind NATS), so that
 * GET /api/health can still say what is down; one signed out on this gateway stays refused.
 */
@Injectable()
export class TokenRevocations {
  private readonly logger = new Logger(TokenRevocations.name);
  private kv?: Promise<KV>;
  /** Tokens signed out on this gateway, with their expiry (epoch ms): refused even while NATS is away. */
  private readonly local = new Map<string, number>();
  private unreachable = false;

  constructor(private readonly nats: NatsAdapter) {}

  /** Revokes the token here at once, and on every gateway once NATS stores it (else a 503). */
  async revoke(tokenId: string, username: string, expiresAt: number): Promise<void> {
    const now = Date.now();
    for (const [id, until] of this.local) if (until < now) this.local.delete(id);
    this.local.set(tokenId, expiresAt);
    await this.within(async (kv) => kv.put(tokenId, codec.encode(JSON.stringify({ username, at: new Date(now).toISOString() }))));
  }

  /** True when the token was signed out (see the class comment for while NATS is away). */
  async isRevoked(tokenId: string): Promise<boolean> {
    if (this.local.has(tokenId)) return true;
    try {
      const revoked = await this.within(async (kv) => (await kv.get(tokenId))?.operation === 'PUT');
      if (this.unreachable) this.logger.log('token revocations are read from NATS again');
      this.unreachable = false;
      return revoked;
    } catch (err) {
      if (!this.unreachable) this.logger.warn(`${(err as Error).message}; tokens signed out on other gateways pass until it does`);
      this.unreachable = true;
      return false;
    }
  }

  private async within<T>(work: (kv: KV) => Promise<T>): Promise<T> {
    const timeoutMs = this.unreachable ? CHECK_TIMEOUT_UNREACHABLE_MS : CHECK_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([this.bucket().then(work), late]);
    } catch (err) {
      throw new ServiceUnavailableException(`token revocations: NATS does not answer (${(err as Error).message})`);
    } finally {
      clearTimeout(timer);
    }
  }

  private bucket(): Promise<KV> {
    // Not direct gets: those may be answered by a replica that has not seen the latest logout yet.
    this.kv ??= this.nats.bucket(REVOKED_TOKENS_BUCKET, { ttl: TOKEN_TTL_SECONDS * 1000, history: 1, allow_direct: false });
    // A failed open (NATS away) is tried again by the next request.
    this.kv.catch(() => (this.kv = undefined));
    return this.kv;
  }
}
