import { afterAll, describe, expect, it } from 'vitest';
import type { Policy } from '../options.js';
import { StoreCache } from '../StoreCache.js';
import { runCacheContract } from '../testing/contract.js';
import { guildCreate } from '../testing/payloads.js';
import { makeTestRedisStore } from '../testing/redis.js';
import type { RedisStore } from './RedisStore.js';

const url = process.env.REDIS_URL;

function makeStore(options?: ConstructorParameters<typeof Policy>[0]): RedisStore {
  return makeTestRedisStore(url!, options);
}

describe.skipIf(!url)('redis cache', () => {
  runCacheContract('redis', async (options) => new StoreCache(makeStore(options), options));

  const stores: RedisStore[] = [];
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
  });

  it('writes a GUILD_CREATE of 1,000 members in one round trip, as packed bytes', async () => {
    const store = makeStore();
    stores.push(store);
    const cache = new StoreCache(store);
    const g = guildCreate({ members: 1000, channels: 50, roles: 30 });
    await cache.apply('GUILD_CREATE', g, 0);
    expect(store.writeRoundTrips).toBe(1);
    expect((await cache.members(g.id, { limit: 1000 })).items).toHaveLength(1000);
    // No JSON per field: a member is a few dozen bytes.
    const raw = await store.client.hgetBuffer(
      store.keys.members(g.id, g.members[1]!.user.id),
      g.members[1]!.user.id,
    );
    expect(raw!.length).toBeLessThan(40);
    expect(raw!.toString('latin1')).not.toContain('{');
  });

  it('a replacing GUILD_CREATE removes the index entries of channels that are gone', async () => {
    const store = makeStore();
    stores.push(store);
    const cache = new StoreCache(store);
    const g = guildCreate({ channels: 3 });
    await cache.apply('GUILD_CREATE', g, 0);
    const gone = g.channels[0]!.id;
    expect(await store.client.hget(store.keys.channelIndex(gone), gone)).toBe(g.id);
    await cache.apply('GUILD_CREATE', { ...g, channels: g.channels.slice(1) }, 0);
    await store.settled();
    expect(await store.client.hget(store.keys.channelIndex(gone), gone)).toBeNull();
    expect(await store.client.hget(store.keys.channelIndex(g.channels[1]!.id), g.channels[1]!.id)).toBe(g.id);
  });

  it('keeps each guild in one hash slot (cluster-safe keys)', () => {
    const store = makeStore();
    stores.push(store);
    const keys = store.keys.allOfGuild('123456789012345678');
    const tags = new Set(keys.map((k) => /\{([^}]*)\}/.exec(k)?.[1]));
    expect(tags).toEqual(new Set(['g123456789012345678']));
  });
});

const clusterUrl = process.env.REDIS_CLUSTER_URL;

describe.skipIf(!clusterUrl)('redis cache on a Redis Cluster', () => {
  runCacheContract(
    'redis cluster',
    async (options) => new StoreCache(makeTestRedisStore(clusterUrl!, options), options),
  );
});
