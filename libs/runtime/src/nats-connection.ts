// How a Hallwatch process connects to NATS: the connection options, the sign-in and the server list.
import * as fs from 'node:fs';
import { ConnectionOptions, credsAuthenticator } from 'nats';
import type { NatsAuth } from '@hallwatch/config';

/**
 * The one way Hallwatch connects to NATS: every service, the gateway's client, the microservice
 * transport and the leases use these options, so a NATS restart of any length is survived. The
 * client reconnects forever (nats.js would give up after 10 attempts and leave the process up but
 * deaf); a server that stops answering pings is dropped after 3 × 10 s. `auth` (natsAuth of the
 * process's identity) signs in with a user and password, a token or a .creds file, over TLS when
 * it has TLS files.
 */
export function natsConnectionOptions(natsUrl: string, name: string, auth: NatsAuth = {}): ConnectionOptions {
  return {
    servers: natsServers(natsUrl),
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1000,
    pingInterval: 10_000,
    maxPingOut: 3,
    ...natsSignIn(auth),
  };
}

/** The nats.js options of `auth`; the .creds file is read now, so a wrong path stops the start. */
function natsSignIn(auth: NatsAuth): Partial<ConnectionOptions> {
  const options: Partial<ConnectionOptions> = {};
  if (auth.user !== undefined) Object.assign(options, { user: auth.user, pass: auth.password });
  if (auth.token !== undefined) options.token = auth.token;
  if (auth.creds !== undefined) options.authenticator = credsAuthenticator(readNatsFile(auth.creds, 'credentials'));
  if (auth.inboxPrefix !== undefined) options.inboxPrefix = auth.inboxPrefix;
  if (auth.tls) {
    const { ca, cert, key } = auth.tls;
    for (const [file, what] of [
      [ca, 'TLS CA'],
      [cert, 'TLS certificate'],
      [key, 'TLS key'],
    ] as const)
      if (file !== undefined) readNatsFile(file, what);
    // nats.js reads the files itself (again at each reconnect, so renewed certificates are picked up).
    options.tls = { ...(ca && { caFile: ca }), ...(cert && { certFile: cert, keyFile: key }) };
  }
  return options;
}

function readNatsFile(file: string, what: string): Uint8Array {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new Error(`NATS ${what} file ${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, {
      cause: err,
    });
  }
}

/** NATS_URL may list several servers of a cluster, comma-separated. */
export function natsServers(natsUrl: string): string[] {
  return natsUrl
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
