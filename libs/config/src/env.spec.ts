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
    expect(readEnv({}).tls).toBeUndefined();
    expect(readEnv({ HALLWATCH_TLS_CERT: '/etc/hallwatch/tls.crt', HALLWATCH_TLS_KEY: '/etc/hallwatch/tls.key' }).tls).toEqual({
      certFile: '/etc/hallwatch/tls.crt',
      keyFile: '/etc/hallwatch/tls.key',
    });
  });

  it('names the missing half of the TLS pair', () => {
    expect(() => readEnv({ HALLWATCH_TLS_CERT: 'tls.crt' })).toThrow('HALLWATCH_TLS_CERT is set but HALLWATCH_TLS_KEY is not');
    expect(() => readEnv({ HALLWATCH_TLS_KEY: 'tls.key' })).toThrow('HALLWATCH_TLS_KEY is set but HALLWATCH_TLS_CERT is not');
  });
});
