// One shardwire shard receiving the replayed stream: receive, inflate (zlib-stream), parse, update the
// memory cache, publish to the memory broker with a confirm. argv: port, expected dispatches.
import { benchManager } from './manager.mjs';

const [port, expected] = process.argv.slice(2).map(Number);
const { manager, broker, cache, close } = await benchManager(port, {
  shardCount: 1,
  compression: process.env.BENCH_COMPRESSION === 'none' ? null : 'zlib-stream',
});
let published = 0;
let firstAt = 0;
let done;
const finished = new Promise((resolve) => {
  done = resolve;
});
const publish = broker.publish.bind(broker);
broker.publish = async (...args) => {
  if (published === 0) firstAt = performance.now();
  await publish(...args);
  if (++published === expected) done(performance.now());
};
await manager.start();
const endAt = await finished;
const guilds = await cache.guildCount();
process.send({
  eventsPerSec: (expected - 1) / ((endAt - firstAt) / 1000),
  guilds,
  rss: process.memoryUsage().rss,
});
await close();
process.exit(0);
