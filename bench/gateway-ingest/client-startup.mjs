// Start-up of every shard the gateway recommends (64, max_concurrency 16): time from start() until all
// are READY, with the real 5 s identify interval. argv: port.
import { benchManager } from './manager.mjs';

const [port] = process.argv.slice(2).map(Number);
const { manager, close } = await benchManager(port, { compression: null });
const started = performance.now();
await manager.start();
await manager.waitUntilReady();
const seconds = (performance.now() - started) / 1000;
process.send({ seconds, shards: manager.shards.size });
await close();
process.exit(0);
