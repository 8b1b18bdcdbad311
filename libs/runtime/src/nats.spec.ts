import { natsConnectionOptions } from './nats';

describe('NATS connection policy', () => {
  it('reconnects forever, to every server NATS_URL lists', () => {
    expect(natsConnectionOptions(' nats://a:4222, nats://b:4222 ,', 'reporting-1')).toMatchObject({
      servers: ['nats://a:4222', 'nats://b:4222'],
      name: 'reporting-1',
      maxReconnectAttempts: -1,
    });
  });
});
