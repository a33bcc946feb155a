import { loadConfig, Registry } from '@shardwire/core';
import type { Rest, RestRequest } from '@shardwire/rest';
import { afterEach, describe, expect, it } from 'vitest';
import { cacheSettings } from './config.js';
import { createCacheFromConfig } from './createCache.js';
import type { StoreCache } from './StoreCache.js';
import { guildCreate } from './testing/payloads.js';

/** Answers the lazy loader's two requests for one known guild, and records every path asked. */
function restFor(guild: ReturnType<typeof guildCreate>): Rest & { paths: string[] } {
  const paths: string[] = [];
  return {
    paths,
    async request<T>({ path }: RestRequest): Promise<T> {
      paths.push(path);
      if (path === `/guilds/${guild.id}/channels`) return guild.channels as T;
      if (path === `/guilds/${guild.id}`) return { ...guild, channels: undefined, members: undefined } as T;
      throw new Error(`404 ${path}`);
    },
  };
}

describe('createCacheFromConfig', () => {
  const caches: StoreCache[] = [];
  afterEach(() => Promise.all(caches.splice(0).map((cache) => cache.close())));

  it('loads a missing guild through REST when CACHE_LAZY is on, and exposes the cache gauges', async () => {
    const guild = guildCreate();
    const rest = restFor(guild);
    const registry = new Registry();
    const config = loadConfig(cacheSettings, { env: { CACHE_LAZY: 'true', CACHE_LAZY_PER_SECOND: '10' } });
    const cache = await createCacheFromConfig(config, { rest, registry });
    caches.push(cache);

    const channel = guild.channels![0]!;
    await cache.apply('CHANNEL_UPDATE', { ...channel, guild_id: guild.id, name: 'renamed' }, 0);

    expect(rest.paths).toEqual([`/guilds/${guild.id}`, `/guilds/${guild.id}/channels`]);
    expect((await cache.guild(guild.id))?.name).toBe(guild.name);
    expect((await cache.channel(channel.id))?.name).toBe('renamed');
    const metrics = await registry.metrics();
    expect(metrics).toMatch(/shardwire_cache_entities\{type="guilds"\} 1/);
    expect(metrics).toMatch(/shardwire_cache_lazy_loads_total\{result="ok"\} 1/);
  });

  it('leaves a missing guild alone when CACHE_LAZY is off (the default)', async () => {
    const guild = guildCreate();
    const rest = restFor(guild);
    const cache = await createCacheFromConfig(loadConfig(cacheSettings, { env: {} }), { rest });
    caches.push(cache);
    await cache.apply('CHANNEL_UPDATE', { ...guild.channels![0]!, guild_id: guild.id }, 0);
    expect(rest.paths).toEqual([]);
    expect(await cache.guild(guild.id)).toBeUndefined();
  });
});
