/** Picks the cache backend from `CACHE_URL`: unset or `memory:` → memory, `redis://`/`rediss://` → Redis. */
import type { Clock, Logger } from '@shardwire/core';
import type { Cache } from './Cache.js';
import { MemoryStore } from './memory/MemoryStore.js';
import { type CacheOptions, Policy } from './options.js';
import { RedisStore } from './redis/RedisStore.js';
import { StoreCache } from './StoreCache.js';

export interface CacheDeps extends CacheOptions {
  clock?: Clock;
  logger?: Logger;
  /** Redis key prefix (default `shardwire:cache`); tests use a random one. */
  keyPrefix?: string;
}

export async function createCache(url: string | undefined, deps: CacheDeps = {}): Promise<StoreCache> {
  const policy = new Policy(deps);
  const scheme = url === undefined || url === '' ? 'memory:' : schemeOf(url);
  switch (scheme) {
    case 'memory:':
      return new StoreCache(new MemoryStore(policy), deps);
    case 'redis:':
    case 'rediss:': {
      const { Redis } = await import('ioredis');
      const client = new Redis(url!, {
        enableAutoPipelining: true,
        maxRetriesPerRequest: 3,
        lazyConnect: true,
      });
      client.on('error', (error) =>
        deps.logger?.warn({ err: error.message }, 'cache: redis connection error'),
      );
      try {
        await client.connect();
      } catch (error) {
        client.disconnect();
        throw new Error(`CACHE_URL: cannot connect to Redis: ${(error as Error).message}`);
      }
      const store = new RedisStore(client, policy, {
        prefix: deps.keyPrefix ?? 'shardwire:cache',
        ownsClient: true,
      });
      return new StoreCache(store, deps);
    }
    default:
      throw new Error(
        `CACHE_URL: expected memory: or redis://host:port (or rediss://), got a URL with scheme ${JSON.stringify(scheme)}`,
      );
  }
}

function schemeOf(url: string): string {
  const match = /^([a-z][a-z0-9+.-]*:)/i.exec(url);
  if (!match)
    throw new Error(
      'CACHE_URL: expected memory: or redis://host:port (or rediss://), got something that is not a URL',
    );
  return match[1]!.toLowerCase();
}

export type { Cache };
