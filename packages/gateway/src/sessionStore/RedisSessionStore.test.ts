import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { sessionStoreContract } from './contract.js';
import { RedisSessionStore } from './RedisSessionStore.js';

const url = process.env.REDIS_URL;

describe.skipIf(!url)('RedisSessionStore', () => {
  const connections: Redis[] = [];
  const prefixes: string[] = [];
  const make = async () => {
    const redis = new Redis(url!);
    connections.push(redis);
    const keyPrefix = `test:${randomUUID()}`;
    prefixes.push(keyPrefix);
    return new RedisSessionStore({ redis, keyPrefix });
  };

  afterAll(async () => {
    const redis = connections[0];
    if (redis)
      for (const prefix of prefixes) {
        const keys = await redis.keys(`${prefix}:*`);
        if (keys.length > 0) await redis.del(...keys);
      }
    await Promise.all(connections.map((c) => c.quit()));
  });

  sessionStoreContract('redis', make);

  it('ignores a corrupt record instead of failing the start-up', async () => {
    const store = await make();
    await connections.at(-1)!.set(`${prefixes.at(-1)}:session:0`, '{not json');
    expect(await store.load(0)).toBeUndefined();
    await connections.at(-1)!.set(`${prefixes.at(-1)}:layout`, '{"shardCount":0,"generation":1}');
    expect(await store.loadLayout()).toBeUndefined();
  });
});
