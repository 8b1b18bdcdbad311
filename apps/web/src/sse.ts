/**
 * Server-Sent Events (text/event-stream) read as the HTML standard interprets them
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation):
 * lines end with CRLF, LF or CR; `event:` names the event, `data:` lines are joined with newlines,
 * a blank line dispatches it (not when it has no data); comments (`:`) and other fields are
 * skipped. The part of EventSource the console needs: it reads its push channel with fetch, so the
 * token travels in a header, never in a URL. `id` and `retry` are not kept: the console reconnects
 * on its own and then reads the state afresh.
 */
export interface ServerSentEvent {
  /** `message` when the event names none. */
  type: string;
  data: string;
}

const EOL = /\r\n?|\n/g;

/** Turns text, in chunks split anywhere, into the events it completes. */
export class EventStreamParser {
  private buffer = '';
  private type = '';
  private data: string[] = [];
  /** The text so far ended with a CR: an LF that comes next is the rest of a CRLF. */
  private afterCR = false;

  /** The events that `chunk` completes, in order. */
  push(chunk: string): ServerSentEvent[] {
    if (chunk === '') return [];
    this.buffer += this.afterCR && chunk.startsWith('\n') ? chunk.slice(1) : chunk;
    this.afterCR = chunk.endsWith('\r');
    const events: ServerSentEvent[] = [];
    let start = 0;
    EOL.lastIndex = 0;
    for (let m = EOL.exec(this.buffer); m; m = EOL.exec(this.buffer)) {
      const event = this.line(this.buffer.slice(start, m.index));
      if (event) events.push(event);
      start = EOL.lastIndex;
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  private line(line: string): ServerSentEvent | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + (line[colon + 1] === ' ' ? 2 : 1));
    if (field === 'event') this.type = value;
    else if (field === 'data') this.data.push(value);
    return undefined;
  }

  private dispatch(): ServerSentEvent | undefined {
    const event = this.data.length > 0 ? { type: this.type || 'message', data: this.data.join('\n') } : undefined;
    this.type = '';
    this.data = [];
    return event;
  }
}

/** Reads `body` (UTF-8) to its end, handing over each event as soon as it is complete. */
export async function readEventStream(
  body: ReadableStream<Uint8Array<ArrayBuffer>>,
  onEvent: (event: ServerSentEvent) => void,
): Promise<void> {
  const parser = new EventStreamParser();
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    // An event the stream ended in the middle of is not dispatched.
    if (done) return;
    for (const event of parser.push(value)) onEvent(event);
  }
}
