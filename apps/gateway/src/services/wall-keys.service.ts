import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { BadRequestException, Injectable, Logger, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { KV, StringCodec } from 'nats';
import { InjectContext, NatsAdapter, ServiceContext } from '@hallwatch/runtime';
import type { AuthUser, WallCaller } from '../dtos/auth.types';
import type { WallKeyDto, IssuedWallKeyDto } from '../dtos/wall-keys.dto';

/** The JetStream key-value bucket of wall keys, shared by every gateway: a key outlives restarts and works on each instance. */
export const WALL_KEYS_BUCKET = 'hallwatch_wall_keys';
/** How a wall key starts, so the guard tells it from an access token without trying both. */
export const WALL_KEY_PREFIX = 'hwk_';
const codec = StringCodec();

/** A key as stored: its secret only as a SHA-256, so a copy of the bucket opens no screen. */
interface StoredWallKey extends WallKeyDto {
  secretSha256: string;
}

/**
 * Wall keys: long-lived, read-only credentials for unattended wall screens (大屏), one per screen,
 * limited to some halls and to the board's reads (see WallScreen), issued and revoked by an admin.
 * A key is `hwk_<id>_<secret>`; a revoked key stays listed with who revoked it and when.
 */
@Injectable()
export class WallKeysService {
  private readonly logger = new Logger(WallKeysService.name);
  private kv?: Promise<KV>;

  constructor(
    private readonly nats: NatsAdapter,
    @InjectContext() private readonly ctx: ServiceContext,
  ) {}

  async issue(by: AuthUser, label: string, halls: readonly string[]): Promise<IssuedWallKeyDto> {
    const known = new Set(this.ctx.site.halls.map((h) => h.id));
    const unknown = halls.filter((h) => !known.has(h));
    if (unknown.length > 0) throw new BadRequestException(`halls: not in the site file: ${unknown.join(', ')}`);
    const id = randomBytes(6).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const stored: StoredWallKey = {
      id,
      label,
      halls: [...new Set(halls)],
      createdBy: by.username,
      createdAt: new Date().toISOString(),
      secretSha256: sha256(secret),
    };
    await this.within((kv) => kv.create(id, codec.encode(JSON.stringify(stored))));
    this.logger.log(`wall key ${id} ("${label}", halls ${stored.halls.join(', ')}) issued by "${by.username}"`);
    return { ...publicView(stored), key: `${WALL_KEY_PREFIX}${id}_${secret}` };
  }

  async list(): Promise<WallKeyDto[]> {
    const keys = await this.within(async (kv) => {
      const found: StoredWallKey[] = [];
      for await (const id of await kv.keys()) {
        const entry = await kv.get(id);
        if (entry?.operation === 'PUT') found.push(JSON.parse(codec.decode(entry.value)) as StoredWallKey);
      }
      return found;
    });
    return keys.map(publicView).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** Ends the key at once on every gateway; the entry stays, naming who revoked it. */
  async revoke(by: AuthUser, id: string): Promise<void> {
    const stored = await this.read(id);
    if (!stored) throw new NotFoundException(`wall key ${id} does not exist`);
    if (stored.revokedAt) return;
    const revoked: StoredWallKey = { ...stored, revokedBy: by.username, revokedAt: new Date().toISOString() };
    await this.within((kv) => kv.put(id, codec.encode(JSON.stringify(revoked))));
    this.logger.log(`wall key ${id} ("${stored.label}") revoked by "${by.username}"`);
  }

  /** The wall screen a key opens, or undefined for a malformed, unknown or revoked key. */
  async verify(key: string): Promise<WallCaller | undefined> {
    const match = /^hwk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/.exec(key);
    if (!match) return undefined;
    const stored = await this.read(match[1]);
    if (!stored || stored.revokedAt) return undefined;
    const [given, kept] = [Buffer.from(sha256(match[2]), 'hex'), Buffer.from(stored.secretSha256, 'hex')];
    if (given.length !== kept.length || !timingSafeEqual(given, kept)) return undefined;
    return { username: `wall-key:${stored.id}`, role: 'wall', halls: stored.halls };
  }

  private async read(id: string): Promise<StoredWallKey | undefined> {
    const entry = await this.within((kv) => kv.get(id));
    return entry?.operation === 'PUT' ? (JSON.parse(codec.decode(entry.value)) as StoredWallKey) : undefined;
  }

  private async within<T>(work: (kv: KV) => Promise<T>): Promise<T> {
    try {
      return await this.bucket().then(work);
    } catch (err) {
      throw new ServiceUnavailableException(`wall keys: NATS does not answer (${(err as Error).message})`);
    }
  }

  private bucket(): Promise<KV> {
    // Not direct gets: a replica that has not seen the revocation yet must not answer.
    this.kv ??= this.nats.bucket(WALL_KEYS_BUCKET, { history: 1, allow_direct: false });
    this.kv.catch(() => (this.kv = undefined));
    return this.kv;
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function publicView({ secretSha256: _secret, ...key }: StoredWallKey): WallKeyDto {
  return key;
}
