/** A Redis store on its own random key prefix that deletes its keys and disconnects when closed. */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { type CacheOptions, Policy } from '../options.js';
import { RedisStore } from '../redis/RedisStore.js';

class TestRedisStore extends RedisStore {
  override async close(): Promise<void> {
    const client = this.client as Redis;
    for await (const batch of client.scanStream({ match: `${this.keys.prefix}:*`, count: 1000 })) {
      if ((batch as string[]).length > 0) await client.unlink(...(batch as string[]));
    }
    await client.quit();
  }
}

export function makeTestRedisStore(url: string, options?: CacheOptions): RedisStore {
  const prefix = `test:cache:${randomBytes(6).toString('hex')}`;
  return new TestRedisStore(new Redis(url), new Policy(options), { prefix });
}
