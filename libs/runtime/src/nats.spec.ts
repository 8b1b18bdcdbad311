import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { nkeys } from 'nats';
import { natsAuth, NatsIdentity, readEnv } from '@hallwatch/config';
import { natsConnectionOptions } from './nats-connection';
import { keptReplicas, natsUnavailable } from './nats-streams';

describe('NATS connection policy', () => {
  it('reconnects forever, to every server NATS_URL lists', () => {
    expect(natsConnectionOptions(' nats://a:4222, nats://b:4222 ,', 'reporting-1')).toMatchObject({
      servers: ['nats://a:4222', 'nats://b:4222'],
      name: 'reporting-1',
      maxReconnectAttempts: -1,
    });
  });
});

describe('NATS sign-in and TLS from the environment', () => {
  const optionsOf = (env: NodeJS.ProcessEnv, identity: NatsIdentity) =>
    natsConnectionOptions('nats://a:4222', identity, natsAuth(readEnv(env).nats, identity));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nats-auth-'));
  const file = (name: string, text: string) => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };

  it('signs in nowhere without settings', () => {
    const options = optionsOf({}, 'gateway');
    for (const key of ['user', 'pass', 'token', 'authenticator', 'tls']) expect(options).not.toHaveProperty(key);
    // Replies still come to the identity's own inbox, which permissions.conf lets only it read.
    expect(options.inboxPrefix).toBe('_INBOX_gateway');
  });

  it('signs every identity in with NATS_USER / NATS_PASSWORD, or NATS_TOKEN', () => {
    const env = { NATS_USER: 'hallwatch', NATS_PASSWORD: 'pw-1' };
    for (const identity of ['ingestion', 'gateway', 'cli'] as const)
      expect(optionsOf(env, identity)).toMatchObject({ user: 'hallwatch', pass: 'pw-1', inboxPrefix: `_INBOX_${identity}` });
    expect(optionsOf({ NATS_TOKEN: 'tok-1' }, 'reporting')).toMatchObject({ token: 'tok-1' });
  });

  it("takes a service's own HALLWATCH_NATS_<SERVICE>_USER / _PASSWORD over the shared ones", () => {
    const env = {
      NATS_USER: 'shared',
      NATS_PASSWORD: 'shared-pw',
      HALLWATCH_NATS_INGESTION_USER: 'ingestion',
      HALLWATCH_NATS_INGESTION_PASSWORD: 'ing-pw',
      HALLWATCH_NATS_CLI_USER: 'cli',
      HALLWATCH_NATS_CLI_PASSWORD: 'cli-pw',
    };
    expect(optionsOf(env, 'ingestion')).toMatchObject({ user: 'ingestion', pass: 'ing-pw' });
    expect(optionsOf(env, 'cli')).toMatchObject({ user: 'cli', pass: 'cli-pw' });
    expect(optionsOf(env, 'inference')).toMatchObject({ user: 'shared', pass: 'shared-pw' });
  });

  it('signs in with a .creds file: the JWT and a signature of the nonce by its seed', () => {
    const user = nkeys.createUser();
    const creds = file(
      'gateway.creds',
      `-----BEGIN NATS USER JWT-----\neyJ0eXAiOiJKV1QifQ.e30.c2ln\n------END NATS USER JWT------\n\n` +
        `-----BEGIN USER NKEY SEED-----\n${new TextDecoder().decode(user.getSeed())}\n------END USER NKEY SEED------\n`,
    );
    const options = optionsOf({ NATS_USER: 'x', NATS_PASSWORD: 'y', HALLWATCH_NATS_GATEWAY_CREDS: creds }, 'gateway');
    expect(options).not.toHaveProperty('user');
    const answer = (options.authenticator as (nonce?: string) => { jwt: string; nkey: string; sig: string })('nonce-1');
    expect(answer).toMatchObject({ jwt: 'eyJ0eXAiOiJKV1QifQ.e30.c2ln', nkey: user.getPublicKey() });
    expect(user.verify(new TextEncoder().encode('nonce-1'), Buffer.from(answer.sig, 'base64'))).toBe(true);
  });

  it('connects over TLS with the CA, and the client certificate when given', () => {
    const [ca, cert, key] = [file('ca.pem', 'ca'), file('cert.pem', 'cert'), file('key.pem', 'key')];
    expect(optionsOf({ NATS_TLS_CA: ca }, 'reporting').tls).toEqual({ caFile: ca });
    expect(optionsOf({ NATS_TLS_CA: ca, NATS_TLS_CERT: cert, NATS_TLS_KEY: key }, 'inference').tls).toEqual({
      caFile: ca,
      certFile: cert,
      keyFile: key,
    });
  });

  it('names the file it cannot read', () => {
    expect(() => optionsOf({ NATS_CREDS: path.join(dir, 'missing.creds') }, 'cli')).toThrow(
      `NATS credentials file ${path.join(dir, 'missing.creds')}: cannot be read (ENOENT)`,
    );
    expect(() => optionsOf({ NATS_TLS_CA: path.join(dir, 'no-ca.pem') }, 'cli')).toThrow('NATS TLS CA file');
  });
});

describe('natsUnavailable', () => {
  it('holds a message when NATS itself did not answer, and only then', () => {
    for (const code of ['TIMEOUT', '503', 'CONNECTION_CLOSED', 'DISCONNECT'])
      expect(natsUnavailable(Object.assign(new Error(code), { code }))).toBe(true);
    for (const err of [new Error('E11000 duplicate key'), Object.assign(new Error('bad'), { code: 2 }), undefined, 'TIMEOUT'])
      expect(natsUnavailable(err)).toBe(false);
  });
});

describe('keptReplicas', () => {
  it('raises replicas to the setting, never lowers them, and says so when it keeps more', () => {
    const warned: string[] = [];
    const log = { warn: (m: string) => warned.push(m) };
    expect(keptReplicas('S', 1, 3, log)).toBe(3);
    expect(keptReplicas('S', 3, 3, log)).toBe(3);
    expect(warned).toEqual([]);
    expect(keptReplicas('S', 3, 1, log)).toBe(3);
    expect(warned).toEqual(['S has 3 replicas, more than HALLWATCH_STREAM_REPLICAS=1: kept at 3']);
  });
});
