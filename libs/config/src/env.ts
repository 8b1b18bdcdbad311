import { isIP } from 'node:net';
import * as path from 'node:path';

/** Everything Hallwatch reads from the environment, read in this one place and nowhere else. */
export interface HallwatchEnv {
  /** Site file (HALLWATCH_SITE). */
  sitePath: string;
  /** NATS server (NATS_URL); unset means "use or start the embedded one". */
  natsUrl?: string;
  /** MongoDB connection string (MONGODB_URI); unset means "use or start the embedded FerretDB". */
  mongodbUri?: string;
  /** Gateway HTTP port (PORT). */
  port: number;
  /** Where embedded servers keep their data (HALLWATCH_DATA_DIR). */
  dataDir: string;
  /** Secret for signing access tokens (HALLWATCH_JWT_SECRET); unset means a random one per start. */
  jwtSecret?: string;
  /** Demo admin password (HALLWATCH_ADMIN_PASSWORD): seeds user `admin` when set. */
  adminPassword?: string;
  /** Instance name, unique among instances of one service (HALLWATCH_INSTANCE). */
  instance: string;
  /** Replicas of every JetStream stream and lease bucket (HALLWATCH_STREAM_REPLICAS, 1-5; 3 on a 3-node cluster). */
  streamReplicas: number;
  /** Whether the gateway serves its OpenAPI document at /api/docs (HALLWATCH_API_DOCS, default true). */
  apiDocs: boolean;
  /** NODE_ENV is "production" (the deploy's units and image set it): the gateway then refuses a weak HALLWATCH_JWT_SECRET. */
  production: boolean;
  /** Proxies whose X-Forwarded-For the gateway believes (HALLWATCH_TRUST_PROXY); none when unset. */
  trustProxy: string[];
  /** Each client's own MongoDB connection string (HALLWATCH_<CLIENT>_MONGODB_URI); see mongodbUriFor. */
  clientMongodbUris: Partial<Record<MongodbClient, string>>;
}

/** What connects to the database, each with its own HALLWATCH_<CLIENT>_MONGODB_URI (deploy/README.md, "Database users"). */
export const MONGODB_CLIENTS = ['ingestion', 'inference', 'reporting', 'gateway', 'cli'] as const;
export type MongodbClient = (typeof MONGODB_CLIENTS)[number];

/** The connection string `client` uses: its own when set, else MONGODB_URI (else undefined: the embedded FerretDB). */
export function mongodbUriFor(env: HallwatchEnv, client: MongodbClient): string | undefined {
  return env.clientMongodbUris[client] ?? env.mongodbUri;
}

/** The placeholder of deploy/docker/hallwatch.env.example: known to everyone, so never a key. */
export const EXAMPLE_JWT_SECRET = 'change-me-to-32-random-bytes';
const MIN_JWT_SECRET_BYTES = 32;

/** What is wrong with HALLWATCH_JWT_SECRET for production, or undefined when it will do. */
export function jwtSecretProblem(env: HallwatchEnv): string | undefined {
  const fix = `set it to at least ${MIN_JWT_SECRET_BYTES} random bytes, the same on every gateway (e.g. \`openssl rand -base64 32\`)`;
  if (!env.jwtSecret) return `HALLWATCH_JWT_SECRET is unset: ${fix}`;
  if (env.jwtSecret === EXAMPLE_JWT_SECRET) return `HALLWATCH_JWT_SECRET is the documented example value: ${fix}`;
  const bytes = Buffer.byteLength(env.jwtSecret, 'utf8');
  if (bytes < MIN_JWT_SECRET_BYTES) return `HALLWATCH_JWT_SECRET is ${bytes} bytes long: ${fix}`;
  return undefined;
}

/** In production, throws when HALLWATCH_JWT_SECRET will not do; elsewhere returns the problem, for a warning. */
export function checkJwtSecret(env: HallwatchEnv): string | undefined {
  const problem = jwtSecretProblem(env);
  if (problem && env.production) throw new Error(`NODE_ENV=production: ${problem}`);
  return problem;
}

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..', '..', ...(__dirname.includes(`${path.sep}dist${path.sep}`) ? ['..'] : []));

function port(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new Error(`${name}: "${value}" is not a TCP port (1-65535)`);
  }
  return n;
}

function replicas(value: string | undefined): number {
  if (value === undefined || value === '') return 1;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 5) {
    throw new Error(`HALLWATCH_STREAM_REPLICAS: "${value}" is not a replica count (1-5, at most the NATS cluster's size)`);
  }
  return n;
}

function flag(value: string | undefined, name: string, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new Error(`${name}: "${value}" is not true or false`);
}

/** Named ranges that Express's "trust proxy" knows. */
const PROXY_RANGES = ['loopback', 'linklocal', 'uniquelocal'];

function trustedProxies(value: string | undefined): string[] {
  if (value === undefined || value.trim() === '') return [];
  return value.split(',').map((entry) => {
    const item = entry.trim();
    const [address, prefix, ...rest] = item.split('/');
    const bits = isIP(address) === 4 ? 32 : 128;
    const cidr = isIP(address) !== 0 && rest.length === 0 && (prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= bits));
    if (!cidr && !PROXY_RANGES.includes(item)) {
      throw new Error(`HALLWATCH_TRUST_PROXY: "${item}" is not an address, a CIDR range or one of ${PROXY_RANGES.join(', ')}`);
    }
    return item;
  });
}

export function readEnv(env: NodeJS.ProcessEnv = process.env): HallwatchEnv {
  return {
    sitePath: path.resolve(env.HALLWATCH_SITE || path.join(PROJECT_ROOT, 'config', 'site.yaml')),
    natsUrl: env.NATS_URL || undefined,
    mongodbUri: env.MONGODB_URI || undefined,
    port: port(env.PORT, 'PORT', 3000),
    dataDir: path.resolve(env.HALLWATCH_DATA_DIR || path.join(PROJECT_ROOT, 'data')),
    jwtSecret: env.HALLWATCH_JWT_SECRET || undefined,
    adminPassword: env.HALLWATCH_ADMIN_PASSWORD || undefined,
    apiDocs: flag(env.HALLWATCH_API_DOCS, 'HALLWATCH_API_DOCS', true),
    instance: env.HALLWATCH_INSTANCE || `${require('node:os').hostname()}-${process.pid}`,
    streamReplicas: replicas(env.HALLWATCH_STREAM_REPLICAS),
    production: env.NODE_ENV === 'production',
    trustProxy: trustedProxies(env.HALLWATCH_TRUST_PROXY),
    clientMongodbUris: Object.fromEntries(
      MONGODB_CLIENTS.map((c) => [c, env[`HALLWATCH_${c.toUpperCase()}_MONGODB_URI`] || undefined]).filter(([, uri]) => uri !== undefined),
    ),
  };
}
