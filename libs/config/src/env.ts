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
  /** A detector module to use instead of the built-in one (HALLWATCH_DETECTOR_MODULE, absolute path; see DetectorConfig.module). */
  detectorModule?: string;
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
    detectorModule: env.HALLWATCH_DETECTOR_MODULE ? path.resolve(env.HALLWATCH_DETECTOR_MODULE) : undefined,
  };
}
