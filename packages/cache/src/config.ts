/** The cache's settings, for the services that hold a cache writer (spread into their own spec). */
import { type ConfigOf, schemas } from '@shardwire/core';
import { z } from 'zod';
import { parseEntities } from './options.js';

export const cacheSettings = {
  cacheUrl: {
    env: 'CACHE_URL',
    flag: 'cache-url',
    schema: z
      .string()
      .regex(/^(memory:|rediss?:\/\/|redis\+cluster:\/\/)/i, {
        message: 'expected memory:, redis://host:port (or rediss://) or redis+cluster://host:port,host:port',
      })
      .optional(),
    doc: 'Cache backend: `memory:` (in-process, the default), `redis://host:port` or `redis+cluster://host:port,host:port` (shared).',
  },
  cacheKeyPrefix: {
    env: 'CACHE_KEY_PREFIX',
    schema: z
      .string()
      .regex(/^[^{}\s]+$/, { message: 'expected a prefix without spaces or braces' })
      .default('shardwire:cache'),
    doc: 'Prefix of every Redis key of the cache (several bots can share one Redis).',
  },
  cacheEntities: {
    env: 'CACHE_ENTITIES',
    schema: z
      .string()
      .default('')
      .transform((text, ctx) => {
        try {
          return parseEntities(text);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: (error as Error).message });
          return z.NEVER;
        }
      }),
    doc: 'What to cache: `-entity` skips one, `entity:field+field` keeps only those fields (e.g. `-voiceState,member:nick+roles`).',
  },
  cacheLazy: {
    env: 'CACHE_LAZY',
    flag: 'cache-lazy',
    schema: z
      .union([z.boolean(), z.enum(['true', 'false', '1', '0'], { message: 'expected true or false' })])
      .transform((v) => v === true || v === 'true' || v === '1')
      .default(false),
    doc: 'Load a guild missing from the cache through REST before applying its dispatch (true/false).',
  },
  cacheLazyPerSecond: {
    env: 'CACHE_LAZY_PER_SECOND',
    schema: schemas.positiveInt(5),
    doc: 'Lazy guild loads started per second at most, across all guilds.',
  },
  cacheEvictIdleMs: {
    env: 'CACHE_EVICT_IDLE_MS',
    schema: schemas.nonNegativeInt(3_600_000),
    doc: 'Drop a guild after this long with no event (ms; 0 never evicts). Applies with CACHE_LAZY=true.',
  },
} as const;

export type CacheConfig = ConfigOf<typeof cacheSettings>;
