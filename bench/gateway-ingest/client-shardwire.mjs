// One shardwire shard receiving the replayed stream: receive, inflate (zlib-stream, or plain JSON with
// BENCH_COMPRESSION=none), parse, update the memory cache, publish to the memory broker with a
// confirm. argv: port, expected dispatches. With BENCH_CONSUMER=1 a consumer of the group takes every
// envelope (as a bot's handler would, like discord.js's messageCreate listener) and the run ends
// when it has seen the last one; with BENCH_KEEP=none no group is bound and envelopes are dropped
// once published; otherwise the group keeps them all.
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
const consumed = process.env.BENCH_CONSUMER === '1';
broker.publish = async (...args) => {
  if (published === 0) meter = startMeter();
  await publish(...args);
  if (++published === expected && !consumed) done(meter(expected - 1));
};
if (consumed) {
  let seen = 0;
  await broker.consume(
    'bench',
    'events.#',
    () => {
      if (++seen === expected) done(meter(expected - 1));
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
