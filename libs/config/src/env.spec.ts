import { readEnv } from './env';

describe('readEnv', () => {
  it('reads HALLWATCH_STREAM_REPLICAS, 1 when unset', () => {
    expect(readEnv({}).streamReplicas).toBe(1);
    expect(readEnv({ HALLWATCH_STREAM_REPLICAS: '3' }).streamReplicas).toBe(3);
  });

  it('names HALLWATCH_STREAM_REPLICAS when it is no replica count', () => {
    for (const bad of ['0', '6', '2.5', 'three']) {
      expect(() => readEnv({ HALLWATCH_STREAM_REPLICAS: bad })).toThrow(`HALLWATCH_STREAM_REPLICAS: "${bad}" is not a replica count`);
    }
  });

  it('reads the gateway TLS pair (HALLWATCH_TLS_CERT, HALLWATCH_TLS_KEY) as absolute paths, and neither means HTTP', () => {
    expect(readEnv({}).https).toBeUndefined();
    expect(readEnv({ HALLWATCH_TLS_CERT: '/etc/hallwatch/tls.crt', HALLWATCH_TLS_KEY: '/etc/hallwatch/tls.key' }).https).toEqual({
      certFile: '/etc/hallwatch/tls.crt',
      keyFile: '/etc/hallwatch/tls.key',
    });
  });

  it('names the missing half of the TLS pair', () => {
    expect(() => readEnv({ HALLWATCH_TLS_CERT: 'tls.crt' })).toThrow('HALLWATCH_TLS_CERT is set but HALLWATCH_TLS_KEY is not');
    expect(() => readEnv({ HALLWATCH_TLS_KEY: 'tls.key' })).toThrow('HALLWATCH_TLS_KEY is set but HALLWATCH_TLS_CERT is not');
  });

  it('names the NATS setting that is missing or contradicts another', () => {
    expect(() => readEnv({ NATS_USER: 'u' })).toThrow('NATS_PASSWORD: not set, but NATS_USER is');
    expect(() => readEnv({ NATS_PASSWORD: 'p' })).toThrow('NATS_USER: not set, but NATS_PASSWORD is');
    expect(() => readEnv({ HALLWATCH_NATS_REPORTING_USER: 'r' })).toThrow('HALLWATCH_NATS_REPORTING_PASSWORD: not set, but HALLWATCH_NATS_REPORTING_USER is');
    expect(() => readEnv({ HALLWATCH_NATS_GATEWAY_PASSWORD: 'p', HALLWATCH_NATS_GATEWAY_CREDS: '/g.creds' })).toThrow(
      'HALLWATCH_NATS_GATEWAY_PASSWORD and HALLWATCH_NATS_GATEWAY_CREDS: set only one way',
    );
    expect(() => readEnv({ NATS_TOKEN: 't', NATS_CREDS: '/x.creds' })).toThrow('NATS_TOKEN and NATS_CREDS: set only one way to sign in to NATS');
    expect(() => readEnv({ NATS_TLS_CERT: '/c.pem' })).toThrow('NATS_TLS_KEY: not set, but NATS_TLS_CERT is');
    expect(() => readEnv({ NATS_TLS_KEY: '/k.pem' })).toThrow('NATS_TLS_CERT: not set, but NATS_TLS_KEY is');
  });

  it("signs a service in as the user named after it when only its password is set (as deploy/nats/permissions.conf)", () => {
    expect(readEnv({ HALLWATCH_NATS_INFERENCE_PASSWORD: 'p' }).nats.perIdentity.inference).toEqual({ user: 'inference', password: 'p' });
  });

  it('never puts a NATS password in an error', () => {
    expect(() => readEnv({ NATS_PASSWORD: 'very-secret-pw' })).toThrow(expect.objectContaining({ message: expect.not.stringContaining('very-secret-pw') }));
  });
});
