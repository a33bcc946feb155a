/** The example bot: `!ping`, `!echo <text>` and `!guilds`, on the shardwire worker SDK. */
import { createWorker, type Worker, type WorkerOptions } from '@shardwire/bot';
import { echo } from './commands/echo.js';
import { guilds } from './commands/guilds.js';
import { ping } from './commands/ping.js';

export { echo } from './commands/echo.js';
export { guilds, guildsText } from './commands/guilds.js';
export { ping, roundTripMs } from './commands/ping.js';

export const BOT_NAME = 'basic-bot';

/** Adds the bot's commands to a worker (before `start()`). */
export function registerBasicBot(worker: Worker): Worker {
  return worker.command(ping).command(echo).command(guilds);
}

/** A worker running the basic bot: call `start()` on it (and `stop()` on shutdown). */
export function createBasicBot(options: WorkerOptions): Worker {
  return registerBasicBot(createWorker(options));
}
