import { keptReplicas, natsConnectionOptions, natsUnavailable } from './nats';

describe('NATS connection policy', () => {
  it('reconnects forever, to every server NATS_URL lists', () => {
    expect(natsConnectionOptions(' nats://a:4222, nats://b:4222 ,', 'reporting-1')).toMatchObject({
      servers: ['nats://a:4222', 'nats://b:4222'],
      name: 'reporting-1',
      maxReconnectAttempts: -1,
    });
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
