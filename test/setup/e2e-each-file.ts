import { connect } from 'nats';

jest.setTimeout(180000);

/**
 * Every file starts on an empty shared NATS: streams, consumers and key-value buckets that earlier
 * files left behind are deleted, so a service started here never first works through another
 * file's events (nor skips them by a consumer position of theirs).
 */
beforeAll(async () => {
  const nc = await connect({ servers: process.env.HALLWATCH_TEST_NATS_URL! });
  try {
    const jsm = await nc.jetstreamManager();
    const names: string[] = [];
    for await (const stream of jsm.streams.list()) names.push(stream.config.name);
    for (const name of names) await jsm.streams.delete(name);
  } finally {
    await nc.close();
  }
});
