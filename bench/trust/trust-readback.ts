// What the trust harness reads back from NATS for its report: a stream's messages, and when reporting has caught up.
import { JsMsg, NatsConnection } from 'nats';
import { Streams } from '@hallwatch/contracts';

/** Every message of a stream, from its first, as [subject, data] (an ordered consumer). */
async function readStream(nc: NatsConnection, stream: string): Promise<{ subject: string; data: Record<string, unknown> }[]> {
  const js = nc.jetstream();
  const info = await (await nc.jetstreamManager()).streams.info(stream);
  const out: { subject: string; data: Record<string, unknown> }[] = [];
  if (info.state.messages === 0) return out;
  const consumer = await js.consumers.get(stream);
  const messages = await consumer.consume();
  for await (const m of messages as AsyncIterable<JsMsg>) {
    out.push({ subject: m.subject, data: m.json<Record<string, unknown>>() });
    if (m.seq >= info.state.last_seq) break;
  }
  await messages.close();
  return out;
}

/** Waits until every consumer of the presence and incident streams has nothing pending (reporting caught up). */
async function settle(nc: NatsConnection, timeoutMs: number): Promise<boolean> {
  const jsm = await nc.jetstreamManager();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    let pending = 0;
    for (const stream of [Streams.presence.name, Streams.incidents.name]) {
      for await (const c of jsm.consumers.list(stream)) pending += c.num_pending + c.num_ack_pending;
    }
    if (pending === 0) return true;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return false;
}

export { readStream, settle };
