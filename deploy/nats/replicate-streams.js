#!/usr/bin/env node
// Gives every Hallwatch JetStream stream and lease bucket 3 replicas on a NATS cluster.
// Hallwatch creates its streams (HALLWATCH_*) and key-value buckets (hallwatch_*_leases) with one
// replica when they are missing and never changes an existing one, so run this once after the
// first start of every service (and after adding a stream in an upgrade):
//   NATS_URL=nats://nats-1:4222,nats://nats-2:4222,nats://nats-3:4222 node deploy/nats/replicate-streams.js [REPLICAS]
const { connect } = require('nats');

async function main() {
  const replicas = Number(process.argv[2] ?? 3);
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 5) throw new Error('REPLICAS must be 1-5');
  const nc = await connect({ servers: (process.env.NATS_URL ?? 'nats://127.0.0.1:4222').split(',') });
  try {
    const jsm = await nc.jetstreamManager();
    for await (const info of jsm.streams.list()) {
      const name = info.config.name;
      if (!/^(HALLWATCH_|KV_hallwatch_)/.test(name)) continue;
      if (info.config.num_replicas === replicas) {
        console.log(`${name}: already ${replicas} replica(s)`);
        continue;
      }
      const updated = await jsm.streams.update(name, { ...info.config, num_replicas: replicas });
      console.log(`${name}: ${info.config.num_replicas} -> ${updated.config.num_replicas} replica(s)`);
    }
  } finally {
    await nc.close();
  }
}

main().catch((err) => {
  console.error(`replicate-streams: ${err.message}`);
  process.exit(1);
});
