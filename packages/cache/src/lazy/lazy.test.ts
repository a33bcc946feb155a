import { ManualClock, Registry } from '@shardwire/core';
import type { Rest, RestRequest } from '@shardwire/rest';
import type { GatewayGuildCreateDispatchData } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../memory/MemoryStore.js';
import { Policy } from '../options.js';
import type { Store } from '../store/Store.js';
import { guildCreate, member } from '../testing/payloads.js';
import { makeTestRedisStore } from '../testing/redis.js';
import { startEviction } from './eviction.js';
import { LazyCache } from './LazyCache.js';

/** A Rest that answers GET /guilds/:id and /guilds/:id/channels from known guilds, logging when. */
class FakeRest implements Rest {
  readonly guildFetches: { id: string; at: number }[] = [];
  readonly guilds = new Map<string, GatewayGuildCreateDispatchData>();
  failing = new Set<string>();
  constructor(private readonly clock: ManualClock) {}

  async request<T>(request: RestRequest): Promise<T> {
    const match = /^\/guilds\/(\d+)(\/channels)?$/.exec(request.path);
    const guild = match && this.guilds.get(match[1]!);
    if (!match || !guild || this.failing.has(match[1]!)) throw new Error(`404 ${request.path}`);
    if (match[2]) return guild.channels as T;
    this.guildFetches.push({ id: guild.id, at: this.clock.now() });
    const { channels: _c, members: _m, threads: _t, voice_states: _v, joined_at: _j, ...rest } = guild;
    return rest as T;
  }
}

/** Lets promises settle, advancing the manual clock until `done` resolves. */
async function runUntil<T>(clock: ManualClock, done: Promise<T>): Promise<T> {
  let finished = false;
  const result = done.finally(() => (finished = true));
  for (let i = 0; i < 100_000 && !finished; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    clock.advance(50);
  }
  return result;
}

const redisUrl = process.env.REDIS_URL;
const backends: [name: string, makeStore: () => Store, available: boolean][] = [
  ['memory', () => new MemoryStore(new Policy()), true],
  ['redis', () => makeTestRedisStore(redisUrl!), redisUrl !== undefined],
];

for (const [name, makeStore, available] of backends)
  describe.skipIf(!available)(`LazyCache on ${name}`, () => {
    const caches: LazyCache[] = [];
    afterEach(async () => {
      await Promise.all(caches.splice(0).map((c) => c.close()));
    });

    const setup = (maxPerSecond: number) => {
      const clock = new ManualClock(1_000_000);
      const rest = new FakeRest(clock);
      const registry = new Registry();
      const cache = new LazyCache(makeStore(), { rest, maxPerSecond, clock, registry });
      caches.push(cache);
      return { clock, rest, registry, cache };
    };
    it('5,000 events for 1,000 uncached guilds cause exactly 1,000 guild fetches, within the cap', async () => {
      const cap = 40;
      const { clock, rest, registry, cache } = setup(cap);
      const events: { guildId: string; m: ReturnType<typeof member> }[] = [];
      for (let i = 0; i < 1000; i++) {
        const g = guildCreate({ members: 0, channels: 2, roles: 2, emojis: 0 });
        rest.guilds.set(g.id, g);
        for (let k = 0; k < 5; k++) events.push({ guildId: g.id, m: member() });
      }
      // Interleave the guilds, as a mass event would.
      events.sort((a, b) => (a.m.user.id < b.m.user.id ? -1 : 1));
      await runUntil(
        clock,
        Promise.all(events.map((e) => cache.apply('GUILD_MEMBER_ADD', { ...e.m, guild_id: e.guildId }, 0))),
      );

      expect(rest.guildFetches).toHaveLength(1000);
      expect(new Set(rest.guildFetches.map((f) => f.id)).size).toBe(1000);
      const times = rest.guildFetches.map((f) => f.at).sort((a, b) => a - b);
      for (let i = 0; i + cap < times.length; i++)
        expect(times[i + cap]! - times[i]!).toBeGreaterThanOrEqual(1000);
      // At the cap, 1,000 loads take at least 1000/cap - 1 seconds.
      expect(times[times.length - 1]! - times[0]!).toBeGreaterThanOrEqual((1000 / cap - 1) * 1000);

      // Every event was applied with its guild in cache: a member added to a missing guild is dropped.
      expect(await cache.guildCount()).toBe(1000);
      for (const e of events.slice(0, 200)) expect(await cache.member(e.guildId, e.m.user.id)).toBeDefined();
      const stats = await cache.stats();
      expect(stats.entities.members).toBe(5000);
      expect(stats.entities.channels).toBe(2000);
      expect(stats.entities.roles).toBe(3000);
      const metric = await registry.getSingleMetricAsString('shardwire_cache_lazy_loads_total');
      expect(metric).toContain('shardwire_cache_lazy_loads_total{result="ok"} 1000');
    });

    it('does not load a cached guild, nor for GUILD_CREATE and GUILD_DELETE', async () => {
      const { rest, cache } = setup(10);
      const g = guildCreate({ members: 1 });
      rest.guilds.set(g.id, g);
      await cache.apply('GUILD_CREATE', g, 0);
      await cache.apply('GUILD_MEMBER_ADD', { ...member(), guild_id: g.id }, 0);
      await cache.apply('GUILD_DELETE', { id: g.id }, 0);
      await cache.apply('GUILD_DELETE', { id: g.id }, 0);
      await cache.apply('MESSAGE_CREATE', { id: '1', channel_id: '2', content: 'dm' }, 0);
      expect(rest.guildFetches).toHaveLength(0);
    });

    it('a failed load is counted and the event still goes through', async () => {
      const { clock, rest, registry, cache } = setup(10);
      const g = guildCreate({ members: 0 });
      rest.guilds.set(g.id, g);
      rest.failing.add(g.id);
      await runUntil(clock, cache.apply('CHANNEL_CREATE', { ...g.channels[0], guild_id: g.id }, 0));
      expect(await cache.guild(g.id)).toBeUndefined();
      expect(await registry.getSingleMetricAsString('shardwire_cache_lazy_loads_total')).toContain(
        'result="error"} 1',
      );
      rest.failing.clear();
      await runUntil(
        clock,
        cache.apply('CHANNEL_UPDATE', { ...g.channels[0], guild_id: g.id, name: 'later' }, 0),
      );
      expect((await cache.channel(g.channels[0]!.id))?.name).toBe('later');
    });

    it('evicts guilds idle for the configured time; they come back lazily', async () => {
      const { clock, rest, cache } = setup(10);
      const idle = guildCreate({ members: 2 });
      const busy = guildCreate({ members: 2 });
      rest.guilds.set(idle.id, idle);
      await cache.apply('GUILD_CREATE', idle, 0);
      await cache.apply('GUILD_CREATE', busy, 0);
      const eviction = startEviction(cache, { idleMs: 60_000, everyMs: 10_000, clock });
      try {
        for (let t = 0; t < 6; t++) {
          clock.advance(10_000);
          await cache.apply(
            'TYPING_START',
            { guild_id: busy.id, channel_id: busy.channels[0]!.id, user_id: '1', timestamp: 1 },
            0,
          );
        }
        expect(await eviction.runOnce()).toEqual([]);
        clock.advance(10_001);
        expect(await eviction.runOnce()).toEqual([idle.id]);
        expect(await cache.guild(idle.id)).toBeUndefined();
        expect(await cache.channel(idle.channels[0]!.id)).toBeUndefined();
        expect(await cache.member(idle.id, idle.members[0]!.user.id)).toBeUndefined();
        expect(await cache.guild(busy.id)).toBeDefined();
        await runUntil(clock, cache.apply('GUILD_MEMBER_ADD', { ...member(), guild_id: idle.id }, 0));
        expect(await cache.guild(idle.id)).toMatchObject({ name: idle.name });
        expect(rest.guildFetches).toHaveLength(1);
      } finally {
        eviction.stop();
      }
      expect(clock.pendingTimers).toBe(0);
    });
  });
