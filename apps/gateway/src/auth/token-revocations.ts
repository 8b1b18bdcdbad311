import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { KV, StringCodec } from 'nats';
import { InjectContext, reconcileReplicas, ServiceContext } from '@hallwatch/runtime';
import { NatsConnectionService } from '../nats/nats-connection.module';
import { TOKEN_TTL_SECONDS } from './auth.types';

/** The JetStream key-value bucket of revoked token ids, shared by every gateway instance. */
export const REVOKED_TOKENS_BUCKET = 'hallwatch_revoked_tokens';
/** A revocation check that NATS does not answer within this is a 503, never a pass. */
const CHECK_TIMEOUT_MS = 5000;
const codec = StringCodec();

/**
 * Tokens signed out before they expire (POST /api/auth/logout). Kept in NATS, which every
 * gateway already depends on (the gateway has no database of its own), so a logout holds on
 * every instance and across restarts. An entry lives as long as a token can (the bucket's TTL),
 * so the bucket holds at most one entry per logout of the last token lifetime.
 */
@Injectable()
export class TokenRevocations {
  private kv?: Promise<KV>;

  constructor(
    private readonly nats: NatsConnectionService,
    @InjectContext() private readonly ctx: ServiceContext,
  ) {}

  async revoke(tokenId: string, username: string): Promise<void> {
    await this.within(async (kv) => kv.put(tokenId, codec.encode(JSON.stringify({ username, at: new Date().toISOString() }))));
  }

  /** True when the token was revoked; throws a 503 when NATS cannot say. */
  isRevoked(tokenId: string): Promise<boolean> {
    return this.within(async (kv) => (await kv.get(tokenId))?.operation === 'PUT');
  }

  private async within<T>(work: (kv: KV) => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
    });
    try {
      return await Promise.race([this.bucket().then(work), late]);
    } catch (err) {
      throw new ServiceUnavailableException(`token revocations cannot be read from NATS: ${(err as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  }

  private bucket(): Promise<KV> {
    this.kv ??= this.nats.get().then(async (nc) => {
      const replicas = this.ctx.env.streamReplicas;
      // Not direct gets: those may be answered by a replica that has not seen the latest logout yet.
      const kv = await nc
        .jetstream()
        .views.kv(REVOKED_TOKENS_BUCKET, { ttl: TOKEN_TTL_SECONDS * 1000, history: 1, replicas, allow_direct: false });
      await reconcileReplicas(nc, `KV_${REVOKED_TOKENS_BUCKET}`, replicas);
      return kv;
    });
    // A failed open (NATS away) is tried again by the next request.
    this.kv.catch(() => (this.kv = undefined));
    return this.kv;
  }
}
