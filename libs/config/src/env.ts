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
  /**
   * PEM files of the gateway's own HTTPS (HALLWATCH_TLS_CERT, HALLWATCH_TLS_KEY): both or neither.
   * Unset means plain HTTP, e.g. behind a reverse proxy that terminates TLS.
   */
  https?: { certFile: string; keyFile: string };
  /** How to sign in to NATS and over what (see natsAuth). */
  nats: NatsEnv;
  /** NODE_ENV is "production" (the deploy's units and image set it): the gateway then refuses a weak HALLWATCH_JWT_SECRET. */
  production: boolean;
  /** Proxies whose X-Forwarded-For the gateway believes (HALLWATCH_TRUST_PROXY); none when unset. */
  trustProxy: string[];
  /** Each client's own MongoDB connection string (HALLWATCH_<CLIENT>_MONGODB_URI); see mongodbUriFor. */
  clientMongodbUris: Partial<Record<MongodbClient, string>>;
  /** A detector module to use instead of the built-in one (HALLWATCH_DETECTOR_MODULE, absolute path; see DetectorConfig.module). */
  detectorModule?: string;
  /** The detector backend tried first (HALLWATCH_DETECTOR_BACKEND; unset: the fastest that starts). See DetectorConfig.backend. */
  detectorBackend?: DetectorBackendName;
  /**
   * Port of the service's metrics and probes listener (HALLWATCH_METRICS_PORT; 0 turns it off).
   * Unset: each service's default (DEFAULT_METRICS_PORTS). See metricsPortFor.
   */
  metricsPort?: number;
  /** Address the metrics listener binds (HALLWATCH_METRICS_HOST): loopback unless set, the series name windows and cameras. */
  metricsHost: string;
  /** Least severe log level written (HALLWATCH_LOG_LEVEL: error, warn, info or debug; default info). */
  logLevel: LogLevelName;
  /** Seconds between reporting's checks of the cases in flight for yellow and red cards (HALLWATCH_CARD_CHECK_SECONDS, default 60). */
  cardCheckSeconds: number;
  /** Seconds between reporting's checks of the open rectification orders for overdue ones (HALLWATCH_RECTIFICATION_CHECK_SECONDS, default 60). */
  rectificationCheckSeconds: number;
  /**
   * Seconds between saves of a hall's state when nothing it must not lose changed (HALLWATCH_STATE_SAVE_SECONDS,
   * default 30): presence changes and incidents are saved at once; see stateSaveDue in libs/domain.
   */
  stateSaveSeconds: number;
  /** The Chromium that prints the monthly notice as PDF (HALLWATCH_CHROMIUM, default /usr/bin/chromium). */
  chromiumPath: string;
  /**
   * Connections each process keeps to the database at most (HALLWATCH_DB_POOL_SIZE, 1-100); unset, the
   * driver's default (100). See docs/operations.md, "The embedded servers", before lowering it.
   */
  dbPoolSize?: number;
  /**
   * Niceness ingestion's ffmpegs run at (HALLWATCH_FFMPEG_NICENESS, 0-19, default 10): decoding has a
   * whole sample interval, judging and writing a frame's outcome are what an operator waits for, so
   * on a busy box the decoders yield the cores to inference, the database and NATS.
   */
  ffmpegNiceness: number;
}

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;

/** HALLWATCH_DETECTOR_BACKEND's values: libs/vision's DETECTOR_BACKENDS. */
export const DETECTOR_BACKEND_NAMES = ['onnx', 'tfjs-node', 'wasm', 'cpu'] as const;
export type DetectorBackendName = (typeof DETECTOR_BACKEND_NAMES)[number];
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** What listens on a metrics port: the four services. */
export const METRICS_SERVICES = ['ingestion', 'inference', 'reporting', 'gateway'] as const;
export type MetricsService = (typeof METRICS_SERVICES)[number];

/** Each service's metrics port when HALLWATCH_METRICS_PORT is unset, so one host can run all four. */
export const DEFAULT_METRICS_PORTS: Record<MetricsService, number> = { ingestion: 9464, inference: 9465, reporting: 9466, gateway: 9467 };

/**
 * The metrics port of `service` in this process: HALLWATCH_METRICS_PORT when set (0: none), else
 * the service's default. `offset` is for `hallwatch start` running all four services: given
 * HALLWATCH_METRICS_PORT=P, ingestion gets P, inference P+1, reporting P+2, gateway P+3.
 */
export function metricsPortFor(env: Pick<HallwatchEnv, 'metricsPort'>, service: MetricsService, offset = false): number {
  if (env.metricsPort === undefined) return DEFAULT_METRICS_PORTS[service];
  if (env.metricsPort === 0 || !offset) return env.metricsPort;
  const port = env.metricsPort + METRICS_SERVICES.indexOf(service);
  if (port > 65535) throw new Error(`HALLWATCH_METRICS_PORT: ${env.metricsPort} leaves no port for the ${service} (${port} > 65535)`);
  return port;
}

/** What connects to the database, each with its own HALLWATCH_<CLIENT>_MONGODB_URI (deploy/README.md, "Database users"). */
export const MONGODB_CLIENTS = ['ingestion', 'inference', 'reporting', 'gateway', 'cli'] as const;
export type MongodbClient = (typeof MONGODB_CLIENTS)[number];

/** The connection string `client` uses: its own when set, else MONGODB_URI (else undefined: the embedded FerretDB). */
export function mongodbUriFor(env: HallwatchEnv, client: MongodbClient): string | undefined {
  return env.clientMongodbUris[client] ?? env.mongodbUri;
}

/** The database a connection string names (its path; none: `test`, as the driver defaults). */
export function databaseNameOf(uri: string): string {
  const match = /^mongodb(?:\+srv)?:\/\/[^/]*(?:\/([^?]*))?/.exec(uri);
  if (!match) throw new Error(`not a MongoDB connection string: it must start with mongodb:// or mongodb+srv://`);
  return decodeURIComponent(match[1] ?? '') || 'test';
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

/** The identities Hallwatch connects to NATS as: one user per service in deploy/nats/permissions.conf. */
export const NATS_IDENTITIES = ['ingestion', 'inference', 'reporting', 'gateway', 'cli'] as const;
export type NatsIdentity = (typeof NATS_IDENTITIES)[number];

/** One way to sign in to NATS: a user and password, a token, or a .creds file (JWT + nkey seed). */
export interface NatsCredentials {
  user?: string;
  password?: string;
  token?: string;
  /** Path of a .creds file. */
  creds?: string;
}

/** Files of the TLS settings: the CA that signed the server's certificate, and a client certificate and key. */
export interface NatsTls {
  ca?: string;
  cert?: string;
  key?: string;
}

export interface NatsEnv {
  /** NATS_USER / NATS_PASSWORD, NATS_TOKEN, NATS_CREDS: for every identity without its own. */
  shared: NatsCredentials;
  /** HALLWATCH_NATS_<SERVICE>_USER / _PASSWORD / _CREDS, per identity: these win over the shared ones. */
  perIdentity: Partial<Record<NatsIdentity, NatsCredentials>>;
  /** NATS_TLS_CA, NATS_TLS_CERT, NATS_TLS_KEY; undefined: no TLS (unless the URL says tls://). */
  tls?: NatsTls;
}

/** How one identity signs in to NATS: its own credentials when it has any, else the shared ones; and TLS. */
export interface NatsAuth extends NatsCredentials {
  tls?: NatsTls;
  /** Where replies to this identity go (`_INBOX_<identity>`), so the server lets only it read them. */
  inboxPrefix?: string;
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

function logLevel(value: string | undefined): LogLevelName {
  if (value === undefined || value === '') return 'info';
  const level = value.trim().toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) throw new Error(`HALLWATCH_LOG_LEVEL: "${value}" is not one of ${LOG_LEVELS.join(', ')}`);
  return level as LogLevelName;
}

/** A periodic check's interval, `name` the variable it is read from: 60 s when unset, 0.1 to 86400 s. */
function checkSeconds(name: string, value: string | undefined, byDefault = 60): number {
  if (value === undefined || value === '') return byDefault;
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || n < 0.1 || n > 86400) {
    throw new Error(`${name}: "${value}" is not a number of seconds from 0.1 to 86400`);
  }
  return n;
}

function detectorBackend(value: string | undefined): DetectorBackendName | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const name = value.trim().toLowerCase();
  if (!(DETECTOR_BACKEND_NAMES as readonly string[]).includes(name)) {
    throw new Error(`HALLWATCH_DETECTOR_BACKEND: "${value}" is not one of ${DETECTOR_BACKEND_NAMES.join(', ')}`);
  }
  return name as DetectorBackendName;
}

/**
 * A whole number from `min` to `max` (undefined when unset or empty); otherwise an error naming the
 * variable, the value and `what` it must be.
 */
function wholeNumber(name: string, value: string | undefined, min: number, max: number, what: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < min || n > max) throw new Error(`${name}: "${value}" is not ${what}`);
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

function https(env: NodeJS.ProcessEnv): HallwatchEnv['https'] {
  const certFile = env.HALLWATCH_TLS_CERT || undefined;
  const keyFile = env.HALLWATCH_TLS_KEY || undefined;
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile) {
    const [set, unset] = certFile ? ['HALLWATCH_TLS_CERT', 'HALLWATCH_TLS_KEY'] : ['HALLWATCH_TLS_KEY', 'HALLWATCH_TLS_CERT'];
    throw new Error(`${set} is set but ${unset} is not: the gateway's HTTPS needs both the certificate and its key`);
  }
  return { certFile: path.resolve(certFile), keyFile: path.resolve(keyFile) };
}

/**
 * One set of credentials; `prefix` names the variables in errors (e.g. "NATS" or
 * "HALLWATCH_NATS_GATEWAY"). A service's password alone signs in as the user named after it, as
 * in deploy/nats/permissions.conf (which reads the same variables).
 */
function credentials(env: NodeJS.ProcessEnv, prefix: string, defaultUser?: NatsIdentity): NatsCredentials {
  const read = (name: string) => env[`${prefix}_${name}`] || undefined;
  const password = read('PASSWORD');
  const c: NatsCredentials = {
    user: read('USER') ?? (password !== undefined ? defaultUser : undefined),
    password,
    token: defaultUser ? undefined : read('TOKEN'),
    creds: read('CREDS'),
  };
  if (c.user !== undefined && c.password === undefined) throw new Error(`${prefix}_PASSWORD: not set, but ${prefix}_USER is`);
  if (c.password !== undefined && c.user === undefined) throw new Error(`${prefix}_USER: not set, but ${prefix}_PASSWORD is`);
  const ways = [c.user !== undefined && `${prefix}_${read('USER') ? 'USER' : 'PASSWORD'}`, c.token !== undefined && `${prefix}_TOKEN`, c.creds !== undefined && `${prefix}_CREDS`];
  const set = ways.filter((w): w is string => typeof w === 'string');
  if (set.length > 1) throw new Error(`${set.join(' and ')}: set only one way to sign in to NATS`);
  return Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined));
}

function natsEnv(env: NodeJS.ProcessEnv): NatsEnv {
  const perIdentity: NatsEnv['perIdentity'] = {};
  for (const id of NATS_IDENTITIES) {
    const c = credentials(env, `HALLWATCH_NATS_${id.toUpperCase()}`, id);
    if (Object.keys(c).length) perIdentity[id] = c;
  }
  const tls: NatsTls = { ca: env.NATS_TLS_CA || undefined, cert: env.NATS_TLS_CERT || undefined, key: env.NATS_TLS_KEY || undefined };
  if ((tls.cert === undefined) !== (tls.key === undefined))
    throw new Error(tls.cert ? 'NATS_TLS_KEY: not set, but NATS_TLS_CERT is' : 'NATS_TLS_CERT: not set, but NATS_TLS_KEY is');
  const anyTls = tls.ca !== undefined || tls.cert !== undefined;
  return { shared: credentials(env, 'NATS'), perIdentity, ...(anyTls ? { tls: Object.fromEntries(Object.entries(tls).filter(([, v]) => v)) } : {}) };
}

/** What `identity` signs in to NATS with: its HALLWATCH_NATS_<SERVICE>_* when set, else NATS_USER/…; with the TLS settings. */
export function natsAuth(nats: NatsEnv, identity: NatsIdentity): NatsAuth {
  return { ...(nats.perIdentity[identity] ?? nats.shared), ...(nats.tls ? { tls: nats.tls } : {}), inboxPrefix: `_INBOX_${identity}` };
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
    https: https(env),
    nats: natsEnv(env),
    production: env.NODE_ENV === 'production',
    trustProxy: trustedProxies(env.HALLWATCH_TRUST_PROXY),
    clientMongodbUris: Object.fromEntries(
      MONGODB_CLIENTS.map((c) => [c, env[`HALLWATCH_${c.toUpperCase()}_MONGODB_URI`] || undefined]).filter(([, uri]) => uri !== undefined),
    ),
    detectorModule: env.HALLWATCH_DETECTOR_MODULE ? path.resolve(env.HALLWATCH_DETECTOR_MODULE) : undefined,
    detectorBackend: detectorBackend(env.HALLWATCH_DETECTOR_BACKEND),
    metricsPort: wholeNumber('HALLWATCH_METRICS_PORT', env.HALLWATCH_METRICS_PORT, 0, 65535, 'a TCP port (1-65535, or 0 for no metrics listener)'),
    metricsHost: env.HALLWATCH_METRICS_HOST?.trim() || '127.0.0.1',
    chromiumPath: env.HALLWATCH_CHROMIUM || '/usr/bin/chromium',
    logLevel: logLevel(env.HALLWATCH_LOG_LEVEL),
    cardCheckSeconds: checkSeconds('HALLWATCH_CARD_CHECK_SECONDS', env.HALLWATCH_CARD_CHECK_SECONDS),
    rectificationCheckSeconds: checkSeconds('HALLWATCH_RECTIFICATION_CHECK_SECONDS', env.HALLWATCH_RECTIFICATION_CHECK_SECONDS),
    stateSaveSeconds: checkSeconds('HALLWATCH_STATE_SAVE_SECONDS', env.HALLWATCH_STATE_SAVE_SECONDS, 30),
    dbPoolSize: wholeNumber('HALLWATCH_DB_POOL_SIZE', env.HALLWATCH_DB_POOL_SIZE, 1, 100, 'a number of database connections from 1 to 100'),
    ffmpegNiceness: wholeNumber('HALLWATCH_FFMPEG_NICENESS', env.HALLWATCH_FFMPEG_NICENESS, 0, 19, 'a niceness from 0 to 19') ?? 10,
  };
}

/**
 * The secret of each webhook of the site file (notifications.webhooks[].secretEnv names its
 * environment variable), in the same order. Throws naming the webhook (index and host: the URL
 * may carry a token) and the variable when one is unset or empty; never puts a secret in an error.
 */
export function webhookSecrets(webhooks: readonly { url: string; secretEnv: string }[], env: NodeJS.ProcessEnv = process.env): string[] {
  return webhooks.map((w, i) => {
    const secret = env[w.secretEnv];
    if (!secret) {
      throw new Error(`notifications.webhooks[${i}] (to ${new URL(w.url).host}): environment variable ${w.secretEnv} holding its secret is not set`);
    }
    return secret;
  });
}
