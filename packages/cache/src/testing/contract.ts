/**
 * The contract every cache backend passes: the same dispatches, the same reads. A backend's test
 * calls `runCacheContract(name, makeCache)`; `makeCache` gives a fresh, empty cache each time.
 */
import { ManualClock } from '@shardwire/core';
import { type APIGuildMember, ChannelType, PermissionFlagsBits as P } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import type { CachedMember } from '../Cache.js';
import { ALL_PERMISSIONS } from '../permissions.js';
import type { StoreCache, StoreCacheOptions } from '../StoreCache.js';
import { guildCreate, member, overwrite, role, snowflake, textChannel, thread, user } from './payloads.js';

export type MakeCache = (options?: StoreCacheOptions) => Promise<StoreCache>;

const sameInstant = (a: string | null | undefined, b: string | null | undefined) =>
  expect(a == null ? a : Date.parse(a)).toBe(b == null ? b : Date.parse(b));

export function runCacheContract(name: string, makeCache: MakeCache): void {
  describe(`Cache contract: ${name}`, () => {
    const open: StoreCache[] = [];
    const make = async (options?: StoreCacheOptions) => {
      const cache = await makeCache(options);
      open.push(cache);
      return cache;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((c) => c.close()));
    });

    it('GUILD_CREATE stores the guild with its channels, threads, roles, members, users, emojis and voice states', async () => {
      const cache = await make();
      const g = guildCreate({ members: 7, channels: 4, roles: 3, threads: 2, emojis: 2, voiceStates: 2 });
      await cache.apply('GUILD_CREATE', g, 3);

      const guild = await cache.guild(g.id);
      expect(guild).toMatchObject({
        id: g.id,
        name: g.name,
        owner_id: g.owner_id,
        icon: g.icon,
        member_count: 7,
      });
      expect(guild?.features).toEqual(['COMMUNITY', 'NEWS']);
      expect(guild?.unavailable).toBe(false);
      expect(guild).not.toHaveProperty('members');
      expect(guild).not.toHaveProperty('channels');
      sameInstant(guild?.joined_at, g.joined_at);

      const channels = await cache.channels(g.id);
      expect(channels.map((c) => c.id).sort()).toEqual([...g.channels, ...g.threads].map((c) => c.id).sort());
      const first = await cache.channel(g.channels[0]!.id);
      expect(first).toMatchObject({
        id: g.channels[0]!.id,
        name: g.channels[0]!.name,
        guild_id: g.id,
        type: ChannelType.GuildText,
      });
      const t = await cache.channel(g.threads[0]!.id);
      expect(t).toMatchObject({ parent_id: g.channels[0]!.id, type: ChannelType.PublicThread });
      expect((t as { thread_metadata?: unknown }).thread_metadata).toEqual(g.threads[0]!.thread_metadata);

      expect((await cache.roles(g.id)).map((r) => r.id).sort()).toEqual(g.roles.map((r) => r.id).sort());
      expect(await cache.role(g.id, g.roles[1]!.id)).toEqual(g.roles[1]);

      const m = g.members[1]!;
      const cached = await cache.member(g.id, m.user.id);
      expect(cached?.user).toEqual(m.user);
      expect(cached?.roles).toEqual(m.roles);
      expect(cached?.nick).toBe(m.nick);
      sameInstant(cached?.joined_at, m.joined_at);
      expect(await cache.user(m.user.id)).toEqual(m.user);

      expect((await cache.emojis(g.id)).map((e) => e.name).sort()).toEqual(['emoji0', 'emoji1']);
      expect(await cache.emoji(g.id, g.emojis[1]!.id!)).toMatchObject({ name: 'emoji1', animated: true });
      expect(await cache.voiceStates(g.id)).toHaveLength(2);
      expect(await cache.voiceState(g.id, g.members[0]!.user.id)).toMatchObject({
        channel_id: g.channels[0]!.id,
        self_mute: true,
      });

      expect(await cache.guildCount()).toBe(1);
      expect(await cache.guildCount(3)).toBe(1);
      expect(await cache.guildCount(0)).toBe(0);
      expect(await cache.guildIds(3)).toEqual([g.id]);
    });

    it('a second GUILD_CREATE replaces the guild in full (nothing stale survives)', async () => {
      const cache = await make();
      const g = guildCreate({ members: 3, channels: 3 });
      await cache.apply('GUILD_CREATE', g, 0);
      const again = { ...g, channels: g.channels.slice(1), members: g.members.slice(1), member_count: 2 };
      await cache.apply('GUILD_CREATE', again, 0);
      expect(await cache.channel(g.channels[0]!.id)).toBeUndefined();
      expect(await cache.member(g.id, g.members[0]!.user.id)).toBeUndefined();
      expect((await cache.members(g.id)).items).toHaveLength(2);
      expect(await cache.guildCount()).toBe(1);
    });

    it('a guild created again on another shard (resharding) counts on that shard only', async () => {
      const cache = await make();
      const g = guildCreate();
      await cache.apply('GUILD_CREATE', g, 0);
      await cache.apply('GUILD_CREATE', g, 2);
      expect(await cache.guildCount(0)).toBe(0);
      expect(await cache.guildCount(2)).toBe(1);
      expect(await cache.guildIds(2)).toEqual([g.id]);
      expect(await cache.guildCount()).toBe(1);
    });

    it('an unavailable GUILD_CREATE (from READY) is counted and marked unavailable', async () => {
      const cache = await make();
      const id = snowflake();
      await cache.apply('GUILD_CREATE', { id, unavailable: true }, 1);
      expect(await cache.guild(id)).toMatchObject({ id, unavailable: true });
      expect(await cache.guildCount(1)).toBe(1);
    });

    it('GUILD_UPDATE merges into the guild and replaces its roles and emojis', async () => {
      const cache = await make();
      const g = guildCreate({ roles: 3 });
      await cache.apply('GUILD_CREATE', g, 2);
      const {
        members: _m,
        channels: _c,
        threads: _t,
        voice_states: _v,
        joined_at: _j,
        member_count: _mc,
        large: _l,
        ...rest
      } = g;
      const roles = [g.roles[0]!, { ...g.roles[1]!, name: 'renamed' }];
      await cache.apply('GUILD_UPDATE', { ...rest, name: 'New name', roles, emojis: [] }, 2);
      const guild = await cache.guild(g.id);
      expect(guild?.name).toBe('New name');
      expect(guild?.member_count).toBe(g.member_count);
      sameInstant(guild?.joined_at, g.joined_at);
      expect((await cache.roles(g.id)).map((r) => r.name).sort()).toEqual(['@everyone', 'renamed']);
      expect(await cache.emojis(g.id)).toEqual([]);
      expect(await cache.guildCount(2)).toBe(1);
    });

    it('GUILD_DELETE with unavailable marks the guild unavailable and keeps what is under it', async () => {
      const cache = await make();
      const g = guildCreate();
      await cache.apply('GUILD_CREATE', g, 0);
      await cache.apply('GUILD_DELETE', { id: g.id, unavailable: true }, 0);
      expect(await cache.guild(g.id)).toMatchObject({ name: g.name, unavailable: true });
      expect(await cache.channels(g.id)).toHaveLength(g.channels.length);
      expect((await cache.members(g.id)).items).toHaveLength(g.members.length);
      expect(await cache.guildCount()).toBe(1);
    });

    it('GUILD_DELETE removes the guild and everything under it', async () => {
      const cache = await make();
      const g = guildCreate({ threads: 1, voiceStates: 1 });
      const other = guildCreate();
      await cache.apply('GUILD_CREATE', g, 0);
      await cache.apply('GUILD_CREATE', other, 0);
      await cache.apply('GUILD_DELETE', { id: g.id }, 0);
      expect(await cache.guild(g.id)).toBeUndefined();
      expect(await cache.channel(g.channels[0]!.id)).toBeUndefined();
      expect(await cache.channel(g.threads[0]!.id)).toBeUndefined();
      expect(await cache.channels(g.id)).toEqual([]);
      expect(await cache.roles(g.id)).toEqual([]);
      expect(await cache.role(g.id, g.roles[1]!.id)).toBeUndefined();
      expect((await cache.members(g.id)).items).toEqual([]);
      expect(await cache.member(g.id, g.members[0]!.user.id)).toBeUndefined();
      expect(await cache.emojis(g.id)).toEqual([]);
      expect(await cache.voiceStates(g.id)).toEqual([]);
      expect(await cache.guildCount(0)).toBe(1);
      expect(await cache.guild(other.id)).toBeDefined();
      expect(await cache.channel(other.channels[0]!.id)).toBeDefined();
    });

    it('CHANNEL_CREATE, CHANNEL_UPDATE, CHANNEL_DELETE', async () => {
      const cache = await make();
      const g = guildCreate({ channels: 1 });
      await cache.apply('GUILD_CREATE', g, 0);
      const c = textChannel(g.id, { name: 'fresh', topic: 'hello' } as never);
      await cache.apply('CHANNEL_CREATE', c, 0);
      expect(await cache.channel(c.id)).toMatchObject({ name: 'fresh', topic: 'hello', guild_id: g.id });
      const ow = [overwrite(g.id, 'role', 0n, P.SendMessages)];
      await cache.apply('CHANNEL_UPDATE', { ...c, name: 'renamed', permission_overwrites: ow }, 0);
      expect(await cache.channel(c.id)).toMatchObject({ name: 'renamed', permission_overwrites: ow });
      expect(await cache.channels(g.id)).toHaveLength(2);
      await cache.apply('CHANNEL_DELETE', c, 0);
      expect(await cache.channel(c.id)).toBeUndefined();
      expect(await cache.channels(g.id)).toHaveLength(1);
      await cache.apply(
        'CHANNEL_PINS_UPDATE',
        { guild_id: g.id, channel_id: g.channels[0]!.id, last_pin_timestamp: '2024-05-05T05:05:05.000Z' },
        0,
      );
      sameInstant(
        ((await cache.channel(g.channels[0]!.id)) as { last_pin_timestamp?: string })?.last_pin_timestamp,
        '2024-05-05T05:05:05.000Z',
      );
    });

    it('GUILD_ROLE_CREATE, GUILD_ROLE_UPDATE, GUILD_ROLE_DELETE', async () => {
      const cache = await make();
      const g = guildCreate({ roles: 1 });
      await cache.apply('GUILD_CREATE', g, 0);
      const r = role({ name: 'mods', permissions: (P.KickMembers | P.BanMembers).toString() });
      await cache.apply('GUILD_ROLE_CREATE', { guild_id: g.id, role: r }, 0);
      expect(await cache.role(g.id, r.id)).toEqual(r);
      await cache.apply(
        'GUILD_ROLE_UPDATE',
        { guild_id: g.id, role: { ...r, name: 'admins', permissions: P.Administrator.toString() } },
        0,
      );
      expect(await cache.role(g.id, r.id)).toMatchObject({
        name: 'admins',
        permissions: P.Administrator.toString(),
      });
      await cache.apply('GUILD_ROLE_DELETE', { guild_id: g.id, role_id: r.id }, 0);
      expect(await cache.role(g.id, r.id)).toBeUndefined();
      expect(await cache.roles(g.id)).toHaveLength(2);
    });

    it('GUILD_MEMBER_ADD, GUILD_MEMBER_UPDATE (merging), GUILD_MEMBER_REMOVE, and the member count', async () => {
      const cache = await make();
      const g = guildCreate({ members: 2 });
      await cache.apply('GUILD_CREATE', g, 0);
      const m = member({ nick: 'newbie', roles: [g.roles[1]!.id] });
      await cache.apply('GUILD_MEMBER_ADD', { ...m, guild_id: g.id }, 0);
      expect(await cache.member(g.id, m.user.id)).toMatchObject({
        nick: 'newbie',
        roles: m.roles,
        user: m.user,
      });
      expect((await cache.guild(g.id))?.member_count).toBe(3);

      const update = {
        guild_id: g.id,
        user: { ...m.user, global_name: 'Renamed' },
        roles: [],
        joined_at: m.joined_at,
        avatar: null,
        nick: 'veteran',
      };
      await cache.apply('GUILD_MEMBER_UPDATE', update, 0);
      const updated = await cache.member(g.id, m.user.id);
      expect(updated).toMatchObject({ nick: 'veteran', roles: [], deaf: false, flags: 0 });
      expect(updated?.user.global_name).toBe('Renamed');
      expect(updated?.user.username).toBe(m.user.username);
      expect((await cache.user(m.user.id))?.global_name).toBe('Renamed');

      await cache.apply('GUILD_MEMBER_REMOVE', { guild_id: g.id, user: m.user }, 0);
      expect(await cache.member(g.id, m.user.id)).toBeUndefined();
      expect((await cache.guild(g.id))?.member_count).toBe(2);
    });

    it('GUILD_MEMBERS_CHUNK adds members, listed in pages in ascending id order', async () => {
      const cache = await make();
      const g = guildCreate({ members: 0 });
      await cache.apply('GUILD_CREATE', g, 0);
      const members: APIGuildMember[] = [];
      for (let i = 0; i < 250; i++) members.push(member());
      await cache.apply(
        'GUILD_MEMBERS_CHUNK',
        { guild_id: g.id, members: members.slice(0, 125), chunk_index: 0, chunk_count: 2 },
        0,
      );
      await cache.apply(
        'GUILD_MEMBERS_CHUNK',
        { guild_id: g.id, members: members.slice(125), chunk_index: 1, chunk_count: 2 },
        0,
      );
      const seen: CachedMember[] = [];
      let after: string | undefined;
      let pages = 0;
      do {
        const page = await cache.members(g.id, { limit: 100, after });
        seen.push(...page.items);
        after = page.next;
        pages++;
      } while (after && pages < 10);
      expect(pages).toBe(3);
      const expected = members.map((m) => m.user.id).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
      expect(seen.map((m) => m.user.id)).toEqual(expected);
    });

    it('THREAD_CREATE, THREAD_UPDATE, THREAD_DELETE, THREAD_LIST_SYNC', async () => {
      const cache = await make();
      const g = guildCreate({ channels: 2, threads: 2 });
      await cache.apply('GUILD_CREATE', g, 0);
      const parent = g.channels[0]!.id;
      const t = thread(g.id, parent);
      await cache.apply('THREAD_CREATE', { ...t, newly_created: true }, 0);
      expect(await cache.channel(t.id)).toMatchObject({ name: t.name, parent_id: parent });
      expect(await cache.channel(t.id)).not.toHaveProperty('newly_created');
      await cache.apply('THREAD_UPDATE', { ...t, name: 'renamed thread' }, 0);
      expect(await cache.channel(t.id)).toMatchObject({ name: 'renamed thread', message_count: 3 });
      await cache.apply('THREAD_DELETE', { id: t.id, guild_id: g.id, parent_id: parent, type: t.type }, 0);
      expect(await cache.channel(t.id)).toBeUndefined();

      const fresh = thread(g.id, parent);
      await cache.apply(
        'THREAD_LIST_SYNC',
        { guild_id: g.id, channel_ids: [parent], threads: [fresh], members: [] },
        0,
      );
      expect(await cache.channel(fresh.id)).toBeDefined();
      expect(await cache.channel(g.threads[0]!.id)).toBeUndefined();
      expect(await cache.channel(g.channels[1]!.id)).toBeDefined();
    });

    it('GUILD_EMOJIS_UPDATE replaces the emojis', async () => {
      const cache = await make();
      const g = guildCreate({ emojis: 2 });
      await cache.apply('GUILD_CREATE', g, 0);
      const kept = { ...g.emojis[0]!, name: 'kept' };
      const added = {
        id: snowflake(),
        name: 'added',
        roles: [g.roles[1]!.id],
        animated: false,
        available: true,
      };
      await cache.apply('GUILD_EMOJIS_UPDATE', { guild_id: g.id, emojis: [kept, added] }, 0);
      expect((await cache.emojis(g.id)).map((e) => e.name).sort()).toEqual(['added', 'kept']);
      expect(await cache.emoji(g.id, g.emojis[1]!.id!)).toBeUndefined();
      expect((await cache.emoji(g.id, added.id))?.roles).toEqual([g.roles[1]!.id]);
    });

    it('VOICE_STATE_UPDATE joins, moves and leaves', async () => {
      const cache = await make();
      const g = guildCreate({ channels: 2 });
      await cache.apply('GUILD_CREATE', g, 0);
      const m = g.members[0]!;
      const state = {
        guild_id: g.id,
        channel_id: g.channels[0]!.id,
        user_id: m.user.id,
        session_id: 's1',
        deaf: false,
        mute: false,
        self_deaf: false,
        self_mute: false,
        self_video: false,
        suppress: false,
        request_to_speak_timestamp: null,
        member: { ...m, nick: 'in voice' },
      };
      await cache.apply('VOICE_STATE_UPDATE', state, 0);
      expect(await cache.voiceState(g.id, m.user.id)).toMatchObject({
        channel_id: g.channels[0]!.id,
        session_id: 's1',
      });
      expect(await cache.voiceState(g.id, m.user.id)).not.toHaveProperty('member');
      expect((await cache.member(g.id, m.user.id))?.nick).toBe('in voice');
      await cache.apply(
        'VOICE_STATE_UPDATE',
        { ...state, channel_id: g.channels[1]!.id, self_deaf: true },
        0,
      );
      expect(await cache.voiceState(g.id, m.user.id)).toMatchObject({
        channel_id: g.channels[1]!.id,
        self_deaf: true,
      });
      await cache.apply('VOICE_STATE_UPDATE', { ...state, channel_id: null }, 0);
      expect(await cache.voiceState(g.id, m.user.id)).toBeUndefined();
    });

    it('USER_UPDATE merges into the user', async () => {
      const cache = await make();
      const me = user({ bot: true });
      const g = guildCreate({ members: 0 });
      await cache.apply('GUILD_CREATE', { ...g, members: [member({ user: me })] }, 0);
      await cache.apply('USER_UPDATE', { ...me, username: 'renamed_bot' }, 0);
      expect(await cache.user(me.id)).toMatchObject({
        username: 'renamed_bot',
        bot: true,
        global_name: me.global_name,
      });
    });

    it('computes permissions as Discord documents them', async () => {
      const clock = new ManualClock(Date.UTC(2025, 0, 1));
      const cache = await make({ clock });
      const g = guildCreate({ members: 0, roles: 0 });
      const everyone = g.roles[0]!;
      everyone.permissions = (P.ViewChannel | P.SendMessages | P.ReadMessageHistory).toString();
      const mod = role({ permissions: (P.KickMembers | P.ManageMessages).toString() });
      const admin = role({ permissions: P.Administrator.toString() });
      const owner = member();
      const plain = member();
      const moderator = member({ roles: [mod.id] });
      const boss = member({ roles: [admin.id] });
      const muted = member({ roles: [mod.id], communication_disabled_until: '2025-01-02T00:00:00.000Z' });
      const channel = textChannel(g.id, {
        permission_overwrites: [
          overwrite(g.id, 'role', 0n, P.SendMessages),
          overwrite(mod.id, 'role', P.SendMessages, 0n),
          overwrite(plain.user.id, 'member', P.AttachFiles, 0n),
        ],
      } as never);
      const secret = textChannel(g.id, {
        permission_overwrites: [overwrite(g.id, 'role', 0n, P.ViewChannel)],
      } as never);
      const t = thread(g.id, channel.id);
      await cache.apply(
        'GUILD_CREATE',
        {
          ...g,
          owner_id: owner.user.id,
          roles: [everyone, mod, admin],
          members: [owner, plain, moderator, boss, muted],
          channels: [channel, secret],
          threads: [t],
        },
        0,
      );

      const base = P.ViewChannel | P.SendMessages | P.ReadMessageHistory;
      expect(await cache.permissions(g.id, owner.user.id)).toBe(ALL_PERMISSIONS);
      expect(await cache.permissions(g.id, boss.user.id, secret.id)).toBe(ALL_PERMISSIONS);
      expect(await cache.permissions(g.id, plain.user.id)).toBe(base);
      expect(await cache.permissions(g.id, moderator.user.id)).toBe(base | P.KickMembers | P.ManageMessages);
      // @everyone denies SEND_MESSAGES; the member overwrite's ATTACH_FILES is implicitly denied with it.
      expect(await cache.permissions(g.id, plain.user.id, channel.id)).toBe(
        P.ViewChannel | P.ReadMessageHistory,
      );
      expect(await cache.permissions(g.id, moderator.user.id, channel.id)).toBe(
        base | P.KickMembers | P.ManageMessages,
      );
      expect(await cache.permissions(g.id, plain.user.id, secret.id)).toBe(0n);
      // Threads take their parent's overwrites.
      expect(await cache.permissions(g.id, moderator.user.id, t.id)).toBe(
        base | P.KickMembers | P.ManageMessages,
      );
      // Timed out until tomorrow: only VIEW_CHANNEL and READ_MESSAGE_HISTORY; afterwards, everything back.
      expect(await cache.permissions(g.id, muted.user.id, channel.id)).toBe(
        P.ViewChannel | P.ReadMessageHistory,
      );
      clock.advance(2 * 24 * 3600_000);
      expect(await cache.permissions(g.id, muted.user.id, channel.id)).toBe(
        base | P.KickMembers | P.ManageMessages,
      );
      // Unknown member, channel, or a channel of another guild.
      expect(await cache.permissions(g.id, snowflake())).toBeUndefined();
      expect(await cache.permissions(g.id, plain.user.id, snowflake())).toBeUndefined();
      // A deleted role no longer counts.
      await cache.apply('GUILD_ROLE_DELETE', { guild_id: g.id, role_id: mod.id }, 0);
      expect(await cache.permissions(g.id, moderator.user.id)).toBe(base);
    });

    it('keeps only the selected entities and fields', async () => {
      const cache = await make({
        entities: { member: false, emoji: false, role: { fields: ['name'] }, channel: { fields: ['name'] } },
      });
      const g = guildCreate({ members: 3, emojis: 2 });
      await cache.apply('GUILD_CREATE', g, 0);
      expect((await cache.members(g.id)).items).toEqual([]);
      expect(await cache.emojis(g.id)).toEqual([]);
      expect(await cache.role(g.id, g.roles[1]!.id)).toEqual({
        id: g.roles[1]!.id,
        name: g.roles[1]!.name,
        permissions: g.roles[1]!.permissions,
      });
      const c = await cache.channel(g.channels[0]!.id);
      expect(c).toMatchObject({ id: g.channels[0]!.id, name: g.channels[0]!.name, guild_id: g.id });
      expect(c).not.toHaveProperty('topic');
      expect(c).not.toHaveProperty('position');
    });

    it('keeps a user while any cached guild has them as a member, and drops them after', async () => {
      const cache = await make();
      const shared = user();
      const a = guildCreate({ members: 2 });
      const b = guildCreate({ members: 1 });
      await cache.apply('GUILD_CREATE', { ...a, members: [...a.members, member({ user: shared })] }, 0);
      await cache.apply('GUILD_CREATE', { ...b, members: [...b.members, member({ user: shared })] }, 0);
      // A second GUILD_CREATE of a guild counts its members once, not twice.
      await cache.apply('GUILD_CREATE', { ...b, members: [...b.members, member({ user: shared })] }, 0);
      await cache.apply('GUILD_MEMBER_REMOVE', { guild_id: a.id, user: shared }, 0);
      expect(await cache.user(shared.id)).toEqual(shared);
      await cache.apply('GUILD_DELETE', { id: b.id }, 0);
      expect(await cache.user(shared.id)).toBeUndefined();
      expect(await cache.user(b.members[0]!.user.id)).toBeUndefined();
      expect(await cache.user(a.members[0]!.user.id)).toEqual(a.members[0]!.user);
      // A replacing GUILD_CREATE without a member lets that member's user go.
      await cache.apply('GUILD_CREATE', { ...a, members: [a.members[1]!] }, 0);
      expect(await cache.user(a.members[0]!.user.id)).toBeUndefined();
      expect(await cache.user(a.members[1]!.user.id)).toEqual(a.members[1]!.user);
      expect((await cache.stats()).entities.users).toBe(1);
    });

    it('dispatches under a guild the cache does not hold leave nothing behind', async () => {
      const cache = await make();
      const g = guildCreate({ members: 1, channels: 1, emojis: 1 });
      const m = member();
      await cache.apply('CHANNEL_CREATE', g.channels[0], 0);
      await cache.apply('GUILD_ROLE_CREATE', { guild_id: g.id, role: g.roles[1] }, 0);
      await cache.apply('GUILD_MEMBER_ADD', { ...m, guild_id: g.id }, 0);
      await cache.apply('GUILD_EMOJIS_UPDATE', { guild_id: g.id, emojis: g.emojis }, 0);
      await cache.apply('THREAD_CREATE', thread(g.id, g.channels[0]!.id), 0);
      expect(await cache.guild(g.id)).toBeUndefined();
      expect(await cache.channel(g.channels[0]!.id)).toBeUndefined();
      expect(await cache.channels(g.id)).toEqual([]);
      expect(await cache.roles(g.id)).toEqual([]);
      expect((await cache.members(g.id)).items).toEqual([]);
      expect(await cache.emojis(g.id)).toEqual([]);
      expect(await cache.guildCount()).toBe(0);
      expect((await cache.stats()).entities).toMatchObject({
        guilds: 0,
        channels: 0,
        roles: 0,
        members: 0,
        emojis: 0,
      });
    });

    it('rejects a malformed payload with a clear error and keeps working', async () => {
      const cache = await make();
      await expect(cache.apply('GUILD_CREATE', { id: 'not-a-snowflake', name: 'x' }, 0)).rejects.toThrow(
        /GUILD_CREATE/,
      );
      await expect(cache.apply('CHANNEL_CREATE', null, 0)).rejects.toThrow(/CHANNEL_CREATE/);
      await cache.apply('MESSAGE_CREATE', { id: snowflake(), content: 'ignored' }, 0);
      const g = guildCreate();
      await cache.apply('GUILD_CREATE', g, 0);
      expect(await cache.guild(g.id)).toBeDefined();
      expect(await cache.guild('not-a-snowflake')).toBeUndefined();
      expect(await cache.member(g.id, 'nope')).toBeUndefined();
    });

    it('reports stats: entities by type and guilds by activity', async () => {
      const clock = new ManualClock(Date.UTC(2025, 0, 1));
      const cache = await make({ clock });
      const a = guildCreate({ members: 4, channels: 2, roles: 2, emojis: 1 });
      const b = guildCreate({ members: 1, channels: 1, roles: 0, emojis: 0 });
      await cache.apply('GUILD_CREATE', a, 0);
      clock.advance(2 * 3600_000);
      await cache.apply('GUILD_CREATE', b, 0);
      const stats = await cache.stats();
      expect(stats.entities).toMatchObject({
        guilds: 2,
        channels: 3,
        roles: 4,
        members: 5,
        users: 5,
        emojis: 1,
      });
      expect(stats.activity).toEqual({ last5m: 1, last1h: 0, last24h: 1, older: 0 });
      expect(stats.bytes).toBeGreaterThan(0);
    });

    it('a message marks its guild active: taken at once, written within a second or before activity is read', async () => {
      const clock = new ManualClock(Date.UTC(2025, 0, 1));
      const cache = await make({ clock });
      const [a, b] = [guildCreate({ members: 1 }), guildCreate({ members: 1 })];
      await cache.apply('GUILD_CREATE', a, 0);
      await cache.apply('GUILD_CREATE', b, 0);
      clock.advance(2 * 3600_000);
      const message = (guildId: string) => ({ id: snowflake(), channel_id: snowflake(), guild_id: guildId });
      // The first message in a second writes what is pending (nothing yet); those after it wait.
      await cache.apply('MESSAGE_CREATE', message(a.id), 0);
      expect(cache.apply('MESSAGE_CREATE', message(b.id), 0)).toBeUndefined();
      expect(cache.apply('MESSAGE_REACTION_ADD', message(b.id), 0)).toBeUndefined();
      expect((await cache.stats()).activity).toEqual({ last5m: 2, last1h: 0, last24h: 0, older: 0 });

      clock.advance(10 * 60_000);
      expect(cache.apply('MESSAGE_CREATE', message(b.id), 0)).toBeInstanceOf(Promise);
      expect(await cache.evictIdle(5 * 60_000)).toEqual([a.id]);
      expect(await cache.guild(b.id)).toBeDefined();

      clock.advance(10 * 60_000);
      expect(cache.apply('MESSAGE_CREATE', message(b.id), 0)).toBeInstanceOf(Promise);
      clock.advance(100);
      expect(cache.apply('MESSAGE_CREATE', message(b.id), 0)).toBeUndefined();
      clock.advance(10 * 60_000);
      // A touch of a guild the cache does not hold is dropped, not stored.
      expect(await cache.evictIdle(20 * 60_000)).toEqual([]);
      expect(await cache.evictIdle(5 * 60_000)).toEqual([b.id]);
      await cache.apply('MESSAGE_CREATE', message(b.id), 0);
      expect(await cache.guildCount()).toBe(0);
    });
  });
}
