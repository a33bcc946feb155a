// One shardwire shard receiving the replayed stream: receive, inflate (zlib-stream), parse, update the
// memory cache, publish to the memory broker with a confirm. argv: port, expected dispatches.
import { MemoryBroker } from '@shardwire/broker';
import { createCache } from '@shardwire/cache';
import { createLogger } from '@shardwire/core';
import { ShardManager } from '@shardwire/gateway';
import { RestClient } from '@shardwire/rest';

const [port, expected] = process.argv.slice(2).map(Number);
const broker = new MemoryBroker();
await broker.declareGroup('bench', 'events.#', { maxLength: 10_000_000 });
const cache = await createCache('memory:');
const rest = new RestClient({ token: 'x', baseUrl: `http://127.0.0.1:${port}/api`, limiter: false });
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
const manager = new ShardManager({
  token: `${Buffer.from('1000').toString('base64')}.bench.token`,
  intents: 513,
  rest,
  broker,
  cache,
  shardCount: 1,
  compression: process.env.BENCH_COMPRESSION === 'none' ? null : 'zlib-stream',
  consumeCommands: false,
  logger: createLogger({ name: 'bench', level: 'warn' }),
});
await manager.start();
const endAt = await finished;
const guilds = await cache.guildCount();
process.send({
  eventsPerSec: (expected - 1) / ((endAt - firstAt) / 1000),
  guilds,
  rss: process.memoryUsage().rss,
});
await manager.stop({ keepSession: false, drainMs: 100 });
await rest.close();
process.exit(0);
