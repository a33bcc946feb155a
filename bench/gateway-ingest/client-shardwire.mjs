// One shardwire shard receiving the replayed stream: receive, inflate (zlib-stream, or plain JSON with
// BENCH_COMPRESSION=none), parse, update the memory cache, publish to the memory broker with a
// confirm. argv: port, expected dispatches. With BENCH_CONSUMER a consumer of the group takes and
// acks every envelope (as a bot's handler would, like discord.js's messageCreate listener) and the
// run ends when it has seen the last one: BENCH_CONSUMER=envelope reads each envelope's type and
// guild but not its `d` (a handler routing or forwarding it), so no `d` is parsed;
// BENCH_CONSUMER=payload reads `d` too, paying its parse. With BENCH_KEEP=none no group is bound
// and envelopes are dropped once published; otherwise the group keeps them all.
import { benchManager } from './manager.mjs';
import { startMeter } from './measure.mjs';

const [port, expected] = process.argv.slice(2).map(Number);
const { manager, broker, cache, close } = await benchManager(
  port,
  { shardCount: 1, compression: process.env.BENCH_COMPRESSION === 'none' ? null : 'zlib-stream' },
  { keep: process.env.BENCH_KEEP !== 'none' },
);
let published = 0;
let meter;
let done;
const finished = new Promise((resolve) => {
  done = resolve;
});
const publish = broker.publish.bind(broker);
const consumer = process.env.BENCH_CONSUMER;
if (consumer && consumer !== 'envelope' && consumer !== 'payload')
  throw new Error(`BENCH_CONSUMER=${consumer}: expected envelope or payload`);
const consumed = consumer !== undefined;
broker.publish = async (...args) => {
  if (published === 0) meter = startMeter();
  await publish(...args);
  if (++published === expected && !consumed) done(meter(expected - 1));
};
if (consumed) {
  let seen = 0;
  let routed = 0;
  await broker.consume(
    'bench',
    'events.#',
    ({ body }) => {
      // What a handler reads; the count of guild events read is checked against the stream's.
      if (body.guildId !== undefined && body.t.length > 0) routed++;
      if (consumer === 'payload' && typeof body.d !== 'object')
        throw new Error(`${body.t}: d is not an object`);
      if (++seen === expected) done({ ...meter(expected - 1), routed });
    },
    { prefetch: 1024 },
  );
}
await manager.start();
const result = await finished;
const guilds = await cache.guildCount();
process.send({ ...result, guilds, rss: process.memoryUsage().rss });
await close();
process.exit(0);
