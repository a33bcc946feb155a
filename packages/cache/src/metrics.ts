/** Prometheus gauges of what the cache holds, refreshed from `stats()` at most once per `maxAgeMs`. */
import { type Clock, Gauge, type Registry, systemClock } from '@shardwire/core';
import type { Cache, CacheStats } from './Cache.js';

export function registerCacheMetrics(
  cache: Pick<Cache, 'stats'>,
  registry: Registry,
  options: { maxAgeMs?: number; clock?: Clock } = {},
): void {
  const clock = options.clock ?? systemClock;
  const maxAgeMs = options.maxAgeMs ?? 60_000;
  let last: { at: number; stats: Promise<CacheStats> } | undefined;
  const current = () => {
    if (!last || clock.now() - last.at >= maxAgeMs) {
      const stats = cache.stats();
      last = { at: clock.now(), stats };
      // A failed read is retried at the next scrape.
      stats.catch(() => (last = undefined));
    }
    return last.stats;
  };
  new Gauge({
    name: 'shardwire_cache_entities',
    help: 'Entities held by the cache, by type.',
    labelNames: ['type'],
    registers: [registry],
    async collect() {
      const { entities } = await current();
      for (const [type, count] of Object.entries(entities)) this.set({ type }, count);
    },
  });
  new Gauge({
    name: 'shardwire_cache_bytes',
    help: 'Bytes the cache uses (packed entities in memory; MEMORY USAGE of its keys in Redis).',
    registers: [registry],
    async collect() {
      this.set((await current()).bytes);
    },
  });
  new Gauge({
    name: 'shardwire_cache_guilds_by_activity',
    help: 'Guilds by the age of their last event.',
    labelNames: ['age'],
    registers: [registry],
    async collect() {
      const { activity } = await current();
      for (const [age, count] of Object.entries(activity)) this.set({ age }, count);
    },
  });
}
