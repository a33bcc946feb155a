/** Lazy loading and eviction through a real RestClient against the simulator's REST routes. */
import { createLogger, ManualClock } from '@shardwire/core';
import { type Rest, RestClient, type RestRequest } from '@shardwire/rest';
import { startSimulator } from '@shardwire/simulator';
import { afterEach, describe, expect, it } from 'vitest';
import { createCache } from '../createCache.js';
import { member } from '../testing/payloads.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('lazy loading against the simulator', () => {
  it('loads a missing guild with its channels and roles before applying its dispatch, once', async () => {
    const sim = await startSimulator({
      port: 0,
      guilds: 3,
      logger: createLogger({ name: 'simulator', level: 'error' }),
    });
    cleanups.push(() => sim.close());
    const client = new RestClient({ token: sim.defaultBot.token, baseUrl: `${sim.url}/api` });
    cleanups.push(async () => client.close());
    const paths: string[] = [];
    const rest: Rest = {
      request: <T>(request: RestRequest) => {
        paths.push(`${request.method} ${request.path}`);
        return client.request<T>(request);
      },
    };
    const clock = new ManualClock(Date.now());
    const cache = await createCache('memory:', {
      clock,
      lazy: { rest, maxPerSecond: 50, evictIdleMs: 60_000 },
    });
    cleanups.push(() => cache.close());

    const ids = await cache.guildIds();
    expect(ids).toEqual([]);
    const guilds = await client.request<{ id: string; name: string }[]>({
      method: 'GET',
      path: '/users/@me/guilds',
    });
    const guildId = guilds[0]!.id;
    const m = member();
    await Promise.all([
      cache.apply('GUILD_MEMBER_ADD', { ...m, guild_id: guildId }, 0),
      cache.apply(
        'TYPING_START',
        { guild_id: guildId, channel_id: '1', user_id: m.user.id, timestamp: 1 },
        0,
      ),
    ]);

    const guild = await cache.guild(guildId);
    expect(guild?.id).toBe(guildId);
    expect(guild?.name).toBe(guilds[0]!.name);
    const channels = await client.request<{ id: string }[]>({
      method: 'GET',
      path: `/guilds/${guildId}/channels`,
    });
    expect((await cache.channels(guildId)).map((c) => c.id).sort()).toEqual(channels.map((c) => c.id).sort());
    expect((await cache.roles(guildId)).some((r) => r.id === guildId)).toBe(true);
    expect(await cache.member(guildId, m.user.id)).toBeDefined();
    expect(await cache.guildCount()).toBe(1);
    // Two dispatches at once, one load: the guild and its channels.
    expect(paths.sort()).toEqual([`GET /guilds/${guildId}`, `GET /guilds/${guildId}/channels`]);

    clock.advance(61_000);
    expect(await cache.evictIdle(60_000)).toEqual([guildId]);
    expect(await cache.guild(guildId)).toBeUndefined();
  });
});
