// Start-up of every shard the gateway recommends (64, max_concurrency 16): time from start() until all
// are READY, with the real 5 s identify interval. argv: port.
import { MemoryBroker } from '@shardwire/broker';
import { createCache } from '@shardwire/cache';
import { createLogger } from '@shardwire/core';
import { ShardManager } from '@shardwire/gateway';
import { RestClient } from '@shardwire/rest';

const [port] = process.argv.slice(2).map(Number);
const broker = new MemoryBroker();
const cache = await createCache('memory:');
const rest = new RestClient({ token: 'x', baseUrl: `http://127.0.0.1:${port}/api`, limiter: false });
const manager = new ShardManager({
  token: `${Buffer.from('1000').toString('base64')}.bench.token`,
  intents: 513,
  rest,
  broker,
  cache,
  compression: null,
  consumeCommands: false,
  logger: createLogger({ name: 'bench', level: 'warn' }),
});
const started = performance.now();
await manager.start();
await manager.waitUntilReady();
const seconds = (performance.now() - started) / 1000;
process.send({ seconds, shards: manager.shards.size });
await manager.stop({ keepSession: false, drainMs: 100 });
await rest.close();
process.exit(0);
