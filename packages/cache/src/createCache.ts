/** Picks the cache backend from `CACHE_URL`: unset or `memory:` → memory, `redis://`/`rediss://` → Redis. */
import type { Clock, Logger, Registry } from '@shardwire/core';
import type { Rest } from '@shardwire/rest';
import type { Cache } from './Cache.js';
import type { CacheConfig } from './config.js';
import { LazyCache } from './lazy/LazyCache.js';
import { MemoryStore } from './memory/MemoryStore.js';
import { registerCacheMetrics } from './metrics.js';
import { type CacheOptions, Policy } from './options.js';
import { CACHE_URL_FORMS, connectRedis } from './redis/connect.js';
import { RedisStore } from './redis/RedisStore.js';
import { StoreCache } from './StoreCache.js';
import type { Store } from './store/Store.js';

export interface CacheDeps extends CacheOptions {
  clock?: Clock;
  logger?: Logger;
  registry?: Registry;
  /** Redis key prefix (default `shardwire:cache`); tests use a random one. */
  keyPrefix?: string;
  /** Lazy loading of missing guilds through this REST client (and eviction of idle ones). */
  lazy?: { rest: Rest; maxPerSecond?: number; evictIdleMs?: number };
}

export async function createCache(url: string | undefined, deps: CacheDeps = {}): Promise<StoreCache> {
  const store = await createStore(url, new Policy(deps), deps);
  if (!deps.lazy) return new StoreCache(store, deps);
  const { clock, logger, registry } = deps;
  return new LazyCache(store, { ...deps.lazy, clock, logger, registry });
}

/**
 * The cache a service configures with `cacheSettings` (`CACHE_URL`, `CACHE_ENTITIES`, `CACHE_LAZY`...):
 * lazy loading through `rest` when it is on, and the cache's gauges on `registry`.
 */
export async function createCacheFromConfig(
  config: CacheConfig,
  deps: { rest: Rest; logger?: Logger; registry?: Registry; clock?: Clock },
): Promise<StoreCache> {
  const cache = await createCache(config.cacheUrl, {
    ...config.cacheEntities,
    keyPrefix: config.cacheKeyPrefix,
    ...(deps.logger ? { logger: deps.logger } : {}),
    ...(deps.registry ? { registry: deps.registry } : {}),
    ...(deps.clock ? { clock: deps.clock } : {}),
    ...(config.cacheLazy
      ? {
          lazy: {
            rest: deps.rest,
            maxPerSecond: config.cacheLazyPerSecond,
            evictIdleMs: config.cacheEvictIdleMs,
          },
        }
      : {}),
  });
  if (deps.registry) registerCacheMetrics(cache, deps.registry);
  return cache;
}

async function createStore(url: string | undefined, policy: Policy, deps: CacheDeps): Promise<Store> {
  const scheme = url === undefined || url === '' ? 'memory:' : schemeOf(url);
  switch (scheme) {
    case 'memory:':
      return new MemoryStore(policy);
    case 'redis:':
    case 'rediss:':
    case 'redis+cluster:': {
      const client = await connectRedis(url!, deps.logger);
      return new RedisStore(client, policy, {
        prefix: deps.keyPrefix ?? 'shardwire:cache',
        ownsClient: true,
        logger: deps.logger,
      });
    }
    default:
      throw new Error(
        `CACHE_URL: expected ${CACHE_URL_FORMS}, got a URL with scheme ${JSON.stringify(scheme)}`,
      );
  }
}

function schemeOf(url: string): string {
  const match = /^([a-z][a-z0-9+.-]*:)/i.exec(url);
  if (!match) throw new Error(`CACHE_URL: expected ${CACHE_URL_FORMS}, got something that is not a URL`);
  return match[1]!.toLowerCase();
}

export type { Cache };
