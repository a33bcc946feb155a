/** Every `shardwire <command>`: one file per command under commands/, listed here. */
import type { Command } from './Command.js';

// Each entry loads its module on demand so `shardwire simulator` does not load the gateway's code.
export const commands: Record<string, () => Promise<Command>> = {
  cache: async () => (await import('./cache.js')).default,
  config: async () => (await import('./config.js')).default,
  dlq: async () => (await import('./dlq.js')).default,
  gateway: async () => (await import('./gateway.js')).default,
  'rest-proxy': async () => (await import('./rest-proxy.js')).default,
  simulator: async () => (await import('./simulator.js')).default,
  up: async () => (await import('./up.js')).default,
};
