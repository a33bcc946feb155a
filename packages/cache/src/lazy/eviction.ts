/** Drops guilds with no event for `idleMs`, checking every `everyMs`; with lazy loading they come back when active. */
import { type Clock, Counter, type Logger, type Registry, systemClock, type Timer } from '@shardwire/core';
import type { StoreCache } from '../StoreCache.js';

export interface EvictionOptions {
  /** Idle time after which a guild is dropped. Default one hour. */
  idleMs?: number;
  /** How often to look. Default a minute (or idleMs / 4 when shorter). */
  everyMs?: number;
  clock?: Clock;
  logger?: Logger;
  registry?: Registry;
}

export interface Eviction {
  /** Runs one pass now; resolves to the evicted guild ids. */
  runOnce(): Promise<string[]>;
  stop(): void;
}

export function startEviction(cache: StoreCache, options: EvictionOptions = {}): Eviction {
  const clock = options.clock ?? systemClock;
  const idleMs = options.idleMs ?? 3_600_000;
  const everyMs = options.everyMs ?? Math.min(60_000, Math.max(1, Math.floor(idleMs / 4)));
  const evicted = new Counter({
    name: 'shardwire_cache_evicted_guilds_total',
    help: 'Guilds dropped from the cache after a period with no event.',
    registers: options.registry ? [options.registry] : [],
  });
  let timer: Timer | undefined;
  let stopped = false;

  const runOnce = async (): Promise<string[]> => {
    const ids = await cache.evictIdle(idleMs);
    evicted.inc(ids.length);
    if (ids.length > 0) options.logger?.info({ guilds: ids.length, idleMs }, 'cache: evicted idle guilds');
    return ids;
  };
  const schedule = () => {
    if (stopped) return;
    timer = clock.setTimeout(() => {
      runOnce()
        .catch((error: Error) => options.logger?.warn({ err: error.message }, 'cache: eviction pass failed'))
        .finally(schedule);
    }, everyMs);
  };
  schedule();
  return {
    runOnce,
    stop() {
      stopped = true;
      timer?.cancel();
    },
  };
}
