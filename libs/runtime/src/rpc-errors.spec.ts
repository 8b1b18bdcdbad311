import type { Msg } from 'nats';
import { SafeServerNats } from './rpc-errors';

/** The transport's reply step against a server whose max payload is 200 bytes. */
function publisher(respond: (data: Uint8Array) => boolean) {
  // Never connects: the reply step is given its connection below.
  const server = new SafeServerNats({ connection: () => Promise.reject(new Error('not connected')) }, {});
  Object.assign(server, { natsClient: { info: { max_payload: 200 } } });
  const warnings: string[] = [];
  const errors: string[] = [];
  Object.assign(server, { logger: { warn: (m: string) => warnings.push(m), error: (m: string) => errors.push(m) } });
  const msg = { subject: 'hallwatch.inference.incidents.list', reply: '_INBOX.1', respond } as unknown as Msg;
  return { publish: server.getPublisher(msg, 'req-1', undefined as never), warnings, errors };
}
const decode = (data: Uint8Array) => JSON.parse(Buffer.from(data).toString('utf8')) as Record<string, unknown>;

describe('SafeServerNats replies', () => {
  it('sends a reply that fits as it is', () => {
    const sent: Uint8Array[] = [];
    const { publish } = publisher((d) => (sent.push(d), true));
    publish({ response: { items: [] }, isDisposed: true });
    expect(sent.map(decode)).toEqual([{ id: 'req-1', response: { items: [] }, isDisposed: true }]);
  });

  it('answers a reply over the max payload with a 413 naming its size, and logs it', () => {
    const sent: Uint8Array[] = [];
    const { publish, warnings } = publisher((d) => (sent.push(d), true));
    publish({ response: 'x'.repeat(500), isDisposed: true });
    expect(sent.map(decode)).toEqual([
      {
        id: 'req-1',
        isDisposed: true,
        err: { status: 413, message: expect.stringMatching(/is 54\d bytes, more than NATS carries in one message \(200\)/) },
      },
    ]);
    expect(warnings).toEqual([expect.stringMatching(/^hallwatch.inference.incidents.list: the answer .* answered 413$/)]);
  });

  it('logs a reply that cannot be sent instead of throwing (which ended the process)', () => {
    const { publish, errors } = publisher(() => {
      throw new Error('connection closed');
    });
    expect(() => publish({ response: 'ok', isDisposed: true })).not.toThrow();
    expect(errors).toEqual(['hallwatch.inference.incidents.list: reply not sent: connection closed']);
  });
});
