// A ShardManager on the memory broker and memory cache, pointed at the replay server on `port`.
// With `keep`, a group bound to every event keeps what is published; without, envelopes reach no
// group and are dropped once published (the heap a network broker leaves, without its encoding).
import { MemoryBroker } from '@shardwire/broker';
import { createCache } from '@shardwire/cache';
import { createLogger } from '@shardwire/core';
import { ShardManager } from '@shardwire/gateway';
import { RestClient } from '@shardwire/rest';

export async function benchManager(port, options, { keep = true } = {}) {
  const broker = new MemoryBroker();
  if (keep) await broker.declareGroup('bench', 'events.#', { maxLength: 10_000_000 });
  const cache = await createCache('memory:');
  const rest = new RestClient({ token: 'x', baseUrl: `http://127.0.0.1:${port}/api`, limiter: false });
  const manager = new ShardManager({
    token: `${Buffer.from('1000').toString('base64')}.bench.token`,
    intents: 513,
    rest,
    broker,
    cache,
    consumeCommands: false,
    logger: createLogger({ name: 'bench', level: 'warn' }),
    ...options,
  });
  return {
    manager,
    broker,
    cache,
    async close() {
      await manager.stop({ keepSession: false, drainMs: 100 });
      await rest.close();
    },
  };
}
