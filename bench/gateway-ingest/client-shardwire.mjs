// One shardwire shard receiving the replayed stream: receive, inflate (zlib-stream, or plain JSON with
// BENCH_COMPRESSION=none), parse, update the memory cache, publish to the memory broker with a
// confirm. argv: port, expected dispatches.
import { benchManager } from './manager.mjs';
import { startMeter } from './measure.mjs';

const [port, expected] = process.argv.slice(2).map(Number);
const { manager, broker, cache, close } = await benchManager(port, {
  shardCount: 1,
  compression: process.env.BENCH_COMPRESSION === 'none' ? null : 'zlib-stream',
});
let published = 0;
let meter;
let done;
const finished = new Promise((resolve) => {
  done = resolve;
});
const publish = broker.publish.bind(broker);
broker.publish = async (...args) => {
  if (published === 0) meter = startMeter();
  await publish(...args);
  if (++published === expected) done(meter(expected - 1));
};
await manager.start();
const result = await finished;
const guilds = await cache.guildCount();
process.send({ ...result, guilds, rss: process.memoryUsage().rss });
await close();
process.exit(0);
