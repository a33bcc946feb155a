/** Session stores and identify throttlers from their URLs (`memory:` or `redis://...`). */
import { createHash } from 'node:crypto';
import { botIdOfToken, type Logger } from '@shardwire/core';
import { Redis } from 'ioredis';
import type { IdentifyThrottler, SessionStartLimit } from './identify/IdentifyThrottler.js';
import { MemoryIdentifyThrottler } from './identify/MemoryIdentifyThrottler.js';
import { RedisIdentifyThrottler } from './identify/RedisIdentifyThrottler.js';
import type { ShardManagerOptions } from './manager/ShardManager.js';
import { MemorySessionStore } from './sessionStore/MemorySessionStore.js';
import { RedisSessionStore } from './sessionStore/RedisSessionStore.js';
import type { SessionStore } from './sessionStore/SessionStore.js';

/** Redis keys of one bot: its user id when the token tells it, else a hash (never the token). */
export function botKeyPrefix(token: string): string {
  const id = botIdOfToken(token) ?? createHash('sha256').update(token).digest('hex').slice(0, 16);
  return `shardwire:gateway:${id}`;
}

function connect(url: string, logger?: Logger): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 3, lazyConnect: false });
  redis.on('error', (err) => logger?.warn({ err: { message: err.message } }, 'redis connection error'));
  return redis;
}

export function createSessionStore(url: string, keyPrefix: string, logger?: Logger): SessionStore {
  if (url === 'memory:') return new MemorySessionStore();
  return new RedisSessionStore({ redis: connect(url, logger), keyPrefix, ownsConnection: true });
}

export function createIdentifyThrottlerFactory(
  url: string,
  keyPrefix: string,
  logger?: Logger,
): NonNullable<ShardManagerOptions['identifyThrottler']> {
  return (limit: SessionStartLimit, { clock }): IdentifyThrottler => {
    if (url === 'memory:')
      return new MemoryIdentifyThrottler({ limit, clock, ...(logger ? { logger } : {}) });
    const redis = connect(url, logger);
    const throttler = new RedisIdentifyThrottler({ redis, keyPrefix, limit, ...(logger ? { logger } : {}) });
    return {
      waitForIdentify: (shardId, signal) => throttler.waitForIdentify(shardId, signal),
      remaining: () => throttler.remaining(),
      close: async () => {
        await redis.quit();
      },
    };
  };
}
