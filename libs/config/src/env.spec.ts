import { databaseNameOf, EXAMPLE_JWT_SECRET, jwtSecretProblem, METRICS_SERVICES, metricsPortFor, MONGODB_CLIENTS, mongodbUriFor, readEnv, webhookSecrets } from './env';

describe('readEnv', () => {
  it('reads HALLWATCH_CARD_CHECK_SECONDS, 60 when unset, and names it when it is no number of seconds', () => {
    expect(readEnv({}).cardCheckSeconds).toBe(60);
    expect(readEnv({ HALLWATCH_CARD_CHECK_SECONDS: '0.5' }).cardCheckSeconds).toBe(0.5);
    for (const bad of ['0', '-1', 'often', '1e3'])
      expect(() => readEnv({ HALLWATCH_CARD_CHECK_SECONDS: bad })).toThrow(`HALLWATCH_CARD_CHECK_SECONDS: "${bad}" is not a number of seconds`);
  });

  it('reads HALLWATCH_FFMPEG_NICENESS, 10 when unset, and names it when it is no niceness from 0 to 19', () => {
    expect(readEnv({}).ffmpegNiceness).toBe(10);
    expect(readEnv({ HALLWATCH_FFMPEG_NICENESS: '0' }).ffmpegNiceness).toBe(0);
    expect(readEnv({ HALLWATCH_FFMPEG_NICENESS: '19' }).ffmpegNiceness).toBe(19);
    for (const bad of ['20', '-5', 'low', '2.5'])
      expect(() => readEnv({ HALLWATCH_FFMPEG_NICENESS: bad })).toThrow(`HALLWATCH_FFMPEG_NICENESS: "${bad}" is not a niceness from 0 to 19`);
  });

  it('reads HALLWATCH_STATE_SAVE_SECONDS, 30 when unset, and names it when it is no number of seconds', () => {
    expect(readEnv({}).stateSaveSeconds).toBe(30);
    expect(readEnv({ HALLWATCH_STATE_SAVE_SECONDS: '2' }).stateSaveSeconds).toBe(2);
    expect(() => readEnv({ HALLWATCH_STATE_SAVE_SECONDS: 'rarely' })).toThrow('HALLWATCH_STATE_SAVE_SECONDS: "rarely" is not a number of seconds');
  });

  it('reads HALLWATCH_DB_POOL_SIZE, unset when unset, and names it when it is no connection count from 1 to 100', () => {
    expect(readEnv({}).dbPoolSize).toBeUndefined();
    expect(readEnv({ HALLWATCH_DB_POOL_SIZE: '8' }).dbPoolSize).toBe(8);
    for (const bad of ['0', '101', '2.5', 'few'])
      expect(() => readEnv({ HALLWATCH_DB_POOL_SIZE: bad })).toThrow(`HALLWATCH_DB_POOL_SIZE: "${bad}" is not a number of database connections from 1 to 100`);
  });

  it('reads HALLWATCH_RECTIFICATION_CHECK_SECONDS, 60 when unset, and names it when it is no number of seconds', () => {
    expect(readEnv({}).rectificationCheckSeconds).toBe(60);
    expect(readEnv({ HALLWATCH_RECTIFICATION_CHECK_SECONDS: '2' }).rectificationCheckSeconds).toBe(2);
    expect(() => readEnv({ HALLWATCH_RECTIFICATION_CHECK_SECONDS: 'daily' })).toThrow(
      'HALLWATCH_RECTIFICATION_CHECK_SECONDS: "daily" is not a number of seconds',
    );
  });

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

describe('per-client MongoDB connection strings (issue 19, item 8)', () => {
  const both = { MONGODB_URI: 'mongodb://shared/hallwatch', HALLWATCH_INFERENCE_MONGODB_URI: 'mongodb://inference:pw@db/hallwatch' };

  it('gives each client its own HALLWATCH_<CLIENT>_MONGODB_URI when set, else MONGODB_URI', () => {
    const env = readEnv({ ...both, HALLWATCH_CLI_MONGODB_URI: 'mongodb://cli:pw@db/hallwatch' });
    expect(mongodbUriFor(env, 'inference')).toBe('mongodb://inference:pw@db/hallwatch');
    expect(mongodbUriFor(env, 'cli')).toBe('mongodb://cli:pw@db/hallwatch');
    for (const client of ['ingestion', 'reporting', 'gateway'] as const) expect(mongodbUriFor(env, client)).toBe('mongodb://shared/hallwatch');
  });

  it('names the database of a connection string', () => {
    expect(databaseNameOf('mongodb://inference:pw@db-1:27017,db-2:27017/hallwatch?replicaSet=hw')).toBe('hallwatch');
    expect(databaseNameOf('mongodb+srv://cluster.example/hw_reporting')).toBe('hw_reporting');
    expect(databaseNameOf('mongodb://127.0.0.1:27017')).toBe('test');
    expect(() => databaseNameOf('postgres://db/hallwatch')).toThrow('not a MongoDB connection string');
  });

  it('reads every client by its own name, and an empty one as unset', () => {
    for (const client of MONGODB_CLIENTS) {
      const env = readEnv({ [`HALLWATCH_${client.toUpperCase()}_MONGODB_URI`]: `mongodb://${client}/x` });
      expect(MONGODB_CLIENTS.map((c) => mongodbUriFor(env, c))).toEqual(MONGODB_CLIENTS.map((c) => (c === client ? `mongodb://${client}/x` : undefined)));
    }
    expect(mongodbUriFor(readEnv({ ...both, HALLWATCH_INFERENCE_MONGODB_URI: '' }), 'inference')).toBe('mongodb://shared/hallwatch');
  });
});

describe('HALLWATCH_JWT_SECRET for production (issue 19, item 7)', () => {
  const problem = (secret?: string) => jwtSecretProblem(readEnv(secret === undefined ? {} : { HALLWATCH_JWT_SECRET: secret }));

  it('names an unset, example or short secret', () => {
    expect(problem()).toMatch(/^HALLWATCH_JWT_SECRET is unset/);
    expect(problem(EXAMPLE_JWT_SECRET)).toMatch(/^HALLWATCH_JWT_SECRET is the documented example value/);
    expect(problem('x'.repeat(31))).toMatch(/^HALLWATCH_JWT_SECRET is 31 bytes long/);
    // Bytes, not characters: 11 three-byte characters are 33 bytes.
    expect(problem('密'.repeat(11))).toBeUndefined();
    expect(problem('x'.repeat(32))).toBeUndefined();
  });

  it('knows production by NODE_ENV', () => {
    expect(readEnv({ NODE_ENV: 'production' }).production).toBe(true);
    expect(readEnv({ NODE_ENV: 'development' }).production).toBe(false);
    expect(readEnv({}).production).toBe(false);
  });
});

describe('HALLWATCH_TRUST_PROXY (issue 19, item 7)', () => {
  it('reads addresses, CIDR ranges and named ranges, none when unset', () => {
    expect(readEnv({}).trustProxy).toEqual([]);
    expect(readEnv({ HALLWATCH_TRUST_PROXY: '10.0.0.5, 192.168.0.0/16,::1,fd00::/8,loopback' }).trustProxy).toEqual([
      '10.0.0.5',
      '192.168.0.0/16',
      '::1',
      'fd00::/8',
      'loopback',
    ]);
  });

  it('names what is not a proxy address', () => {
    for (const bad of ['true', '1', 'proxy.example', '10.0.0.0/33', '10.0.0.1/8/8', '']) {
      expect(() => readEnv({ HALLWATCH_TRUST_PROXY: `10.0.0.1,${bad}` })).toThrow(`HALLWATCH_TRUST_PROXY: "${bad}" is not an address`);
    }
  });
});

describe('HALLWATCH_DETECTOR_MODULE', () => {
  it('is unset by default, and an absolute path when set', () => {
    expect(readEnv({}).detectorModule).toBeUndefined();
    expect(readEnv({ HALLWATCH_DETECTOR_MODULE: 'test/support/hanging-detector.js' }).detectorModule).toBe(
      require('node:path').resolve('test/support/hanging-detector.js'),
    );
  });
});

describe('metrics and logs (issue 21)', () => {
  it('gives each service its own default metrics port, on loopback', () => {
    const env = readEnv({});
    expect(env.metricsPort).toBeUndefined();
    expect(env.metricsHost).toBe('127.0.0.1');
    expect(METRICS_SERVICES.map((s) => metricsPortFor(env, s))).toEqual([9464, 9465, 9466, 9467]);
  });

  it('reads HALLWATCH_METRICS_PORT and HALLWATCH_METRICS_HOST; 0 turns every listener off', () => {
    const env = readEnv({ HALLWATCH_METRICS_PORT: '9500', HALLWATCH_METRICS_HOST: '0.0.0.0' });
    expect(env.metricsHost).toBe('0.0.0.0');
    expect(metricsPortFor(env, 'reporting')).toBe(9500);
    // `hallwatch start` with all four: one port after the other, in the order of the defaults.
    expect(METRICS_SERVICES.map((s) => metricsPortFor(env, s, true))).toEqual([9500, 9501, 9502, 9503]);
    const off = readEnv({ HALLWATCH_METRICS_PORT: '0' });
    expect(METRICS_SERVICES.map((s) => metricsPortFor(off, s, true))).toEqual([0, 0, 0, 0]);
    expect(() => metricsPortFor(readEnv({ HALLWATCH_METRICS_PORT: '65534' }), 'gateway', true)).toThrow(
      'HALLWATCH_METRICS_PORT: 65534 leaves no port for the gateway',
    );
  });

  it('names HALLWATCH_METRICS_PORT when it is not a port', () => {
    for (const bad of ['-1', '65536', '9464.5', 'metrics', '0x10']) {
      expect(() => readEnv({ HALLWATCH_METRICS_PORT: bad })).toThrow(`HALLWATCH_METRICS_PORT: "${bad}" is not a TCP port`);
    }
  });

  it('reads HALLWATCH_DETECTOR_BACKEND, none when unset, and names a bad one', () => {
    expect(readEnv({}).detectorBackend).toBeUndefined();
    expect(readEnv({ HALLWATCH_DETECTOR_BACKEND: ' WASM ' }).detectorBackend).toBe('wasm');
    expect(() => readEnv({ HALLWATCH_DETECTOR_BACKEND: 'onnxruntime' })).toThrow(
      'HALLWATCH_DETECTOR_BACKEND: "onnxruntime" is not one of onnx, tfjs-node, wasm, cpu',
    );
  });

  it('reads HALLWATCH_LOG_LEVEL, info when unset, and names a bad one', () => {
    expect(readEnv({}).logLevel).toBe('info');
    expect(readEnv({ HALLWATCH_LOG_LEVEL: 'DEBUG' }).logLevel).toBe('debug');
    expect(() => readEnv({ HALLWATCH_LOG_LEVEL: 'verbose' })).toThrow('HALLWATCH_LOG_LEVEL: "verbose" is not one of error, warn, info, debug');
  });
});

describe('webhookSecrets', () => {
  const hooks = [
    { url: 'https://oapi.dingtalk.com/robot/send?access_token=tok', secretEnv: 'DING_SECRET' },
    { url: 'http://sms.example:8080/in', secretEnv: 'SMS_SECRET' },
  ];

  it('reads each webhook secret from the variable it names, in order', () => {
    expect(webhookSecrets(hooks, { DING_SECRET: 'd-1', SMS_SECRET: 's-2' })).toEqual(['d-1', 's-2']);
  });

  it('names the webhook and the variable when it is unset or empty, never the URL token or another secret', () => {
    const unset = () => webhookSecrets(hooks, { DING_SECRET: 'd-1' });
    expect(unset).toThrow('notifications.webhooks[1] (to sms.example:8080): environment variable SMS_SECRET holding its secret is not set');
    expect(() => webhookSecrets(hooks, { DING_SECRET: '', SMS_SECRET: 's-2' })).toThrow(
      'notifications.webhooks[0] (to oapi.dingtalk.com): environment variable DING_SECRET',
    );
    try {
      unset();
    } catch (err) {
      expect((err as Error).message).not.toMatch(/d-1|tok/);
    }
  });
});
