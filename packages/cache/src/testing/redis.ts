/** A Redis store on its own random key prefix that deletes its keys and disconnects when closed. */
import { randomBytes } from 'node:crypto';
import { Cluster, type Redis } from 'ioredis';
import { type CacheOptions, Policy } from '../options.js';
import { redisClient } from '../redis/connect.js';
import { RedisStore } from '../redis/RedisStore.js';

class TestRedisStore extends RedisStore {
  override async close(): Promise<void> {
    await this.settled();
    const nodes: Redis[] = this.client instanceof Cluster ? this.client.nodes('master') : [this.client];
    for (const node of nodes) {
      for await (const batch of node.scanStream({ match: `${this.keys.prefix}:*`, count: 1000 })) {
        // One key per command: on a cluster, keys of different slots cannot share one.
        await Promise.all((batch as string[]).map((key) => this.client.unlink(key)));
      }
    }
    await this.client.quit();
  }
}

export function makeTestRedisStore(url: string, options?: CacheOptions): RedisStore {
  const prefix = `test:cache:${randomBytes(6).toString('hex')}`;
  return new TestRedisStore(redisClient(url, false), new Policy(options), { prefix });
}
