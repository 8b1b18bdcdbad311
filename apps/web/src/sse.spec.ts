import { EventStreamParser, readEventStream, type ServerSentEvent } from './sse';

/** What the gateway's push channel sends (Nest's @Sse): an id, the event's name and its JSON. */
const GATEWAY = 'id: 1\nevent: presence\ndata: {"windowId":"W01","state":"absent"}\n\nid: 2\nevent: ping\ndata: {}\n\n';
const GATEWAY_EVENTS = [
  { type: 'presence', data: '{"windowId":"W01","state":"absent"}' },
  { type: 'ping', data: '{}' },
];

const parse = (...chunks: string[]) => {
  const parser = new EventStreamParser();
  return chunks.flatMap((c) => parser.push(c));
};

/** A body that delivers the given chunks of bytes, each only when the test releases it. */
function body(chunks: Uint8Array<ArrayBuffer>[]): { stream: ReadableStream<Uint8Array<ArrayBuffer>>; release: () => void } {
  let next = 0;
  let controller!: ReadableStreamDefaultController<Uint8Array<ArrayBuffer>>;
  const stream = new ReadableStream<Uint8Array<ArrayBuffer>>({ start: (c) => void (controller = c) });
  const release = () => {
    if (next < chunks.length) controller.enqueue(chunks[next++]);
    else controller.close();
  };
  return { stream, release };
}

describe('Server-Sent Events reader (apps/web/src/sse.ts)', () => {
  it("reads the gateway's events, however the text is cut into chunks", () => {
    expect(parse(GATEWAY)).toEqual(GATEWAY_EVENTS);
    for (let cut = 0; cut <= GATEWAY.length; cut++) expect(parse(GATEWAY.slice(0, cut), GATEWAY.slice(cut))).toEqual(GATEWAY_EVENTS);
    expect(parse(...GATEWAY)).toEqual(GATEWAY_EVENTS);
  });

  it('ends lines with CRLF, LF or CR, a CRLF cut between two chunks included', () => {
    const events = [
      { type: 'a', data: '1' },
      { type: 'b', data: '2' },
      { type: 'c', data: '3' },
    ];
    expect(parse('event: a\r\ndata: 1\r\n\r\nevent: b\ndata: 2\n\nevent: c\rdata: 3\r\r')).toEqual(events);
    expect(parse('event: a\r', '\ndata: 1\r', '\n\r', '\nevent: b\ndata: 2\n\nevent: c\rdata: 3\r', '\r')).toEqual(events);
    // A CR ends its line at once: an event that ends in CR CR is not kept waiting for the next text.
    const parser = new EventStreamParser();
    expect(parser.push('data: x\r')).toEqual([]);
    expect(parser.push('\r')).toEqual([{ type: 'message', data: 'x' }]);
  });

  it('joins data lines with newlines, drops one space after the colon, and names an unnamed event message', () => {
    expect(parse('data:  two spaces\ndata:none\ndata\ndata: \n\n')).toEqual([{ type: 'message', data: ' two spaces\nnone\n\n' }]);
    expect(parse('data: {"a":\ndata: 1}\n\n').map((e) => JSON.parse(e.data) as unknown)).toEqual([{ a: 1 }]);
  });

  it('skips comments, unknown fields, and events without data; a name lasts for one event only', () => {
    const events = parse(': keep-alive\n\nevent: ping\n\nid: 7\nretry: 10\nfoo: bar\nevent:named\ndata: x\n\ndata: y\n\n');
    expect(events).toEqual<ServerSentEvent[]>([
      { type: 'named', data: 'x' },
      { type: 'message', data: 'y' },
    ]);
  });

  it('hands each event over as soon as it is complete, UTF-8 cut mid-character included, and drops an unfinished one at the end', async () => {
    const bytes = new TextEncoder().encode('event: incident\ndata: {"hall":"一号大厅"}\n\n');
    const cut = bytes.indexOf(0xe4) + 1; // inside 一
    const { stream, release } = body([bytes.slice(0, cut), bytes.slice(cut), new TextEncoder().encode('data: unfinished\n')]);
    const heard: ServerSentEvent[] = [];
    const reading = readEventStream(stream, (e) => heard.push(e));
    const settle = () => new Promise((r) => setTimeout(r, 0));
    release();
    await settle();
    expect(heard).toEqual([]);
    release();
    await settle();
    expect(heard).toEqual([{ type: 'incident', data: '{"hall":"一号大厅"}' }]);
    release();
    release();
    await reading;
    expect(heard).toHaveLength(1);
  });
});
