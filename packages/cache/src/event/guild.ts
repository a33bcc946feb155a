/** GUILD_CREATE (in full), GUILD_UPDATE, GUILD_DELETE. */
import type {
  GatewayGuildCreateDispatchData,
  GatewayGuildDeleteDispatchData,
  GatewayGuildUpdateDispatchData,
} from 'discord-api-types/v10';
import type { CachedGuild } from '../Cache.js';
import type { Op } from '../store/Store.js';
import { type EventContext, merge } from './context.js';
import { memberOps } from './member.js';

/** Fields of a guild payload that are lists of other entities, kept in their own tables. */
const CHILDREN = [
  'roles',
  'emojis',
  'stickers',
  'channels',
  'threads',
  'members',
  'voice_states',
  'presences',
  'stage_instances',
  'guild_scheduled_events',
  'soundboard_sounds',
] as const;

function guildFields(d: object): CachedGuild {
  const out: Record<string, unknown> = { ...d };
  for (const key of CHILDREN) delete out[key];
  return out as CachedGuild;
}

export async function guildCreate(ctx: EventContext, d: GatewayGuildCreateDispatchData): Promise<Op[]> {
  const { policy, shard } = ctx;
  const guildId = d.id;
  if (d.unavailable) {
    // Still unavailable after READY (or an outage): remember the guild, keep what we knew of it.
    const old = await ctx.store.guild(guildId);
    return [{ type: 'guild.put', guildId, shard, guild: merge(old, { id: guildId, unavailable: true }) }];
  }
  // A GUILD_CREATE is the whole guild: start afresh so nothing stale survives an outage.
  const ops: Op[] = [{ type: 'guild.drop', guildId, replacing: true }];
  ops.push({ type: 'guild.put', guildId, shard, guild: { ...guildFields(d), unavailable: false } });
  if (policy.wants('channel')) {
    for (const channel of d.channels ?? []) {
      ops.push({ type: 'channel.put', guildId, channel: { ...channel, guild_id: guildId } as never });
    }
  }
  if (policy.wants('thread')) {
    for (const thread of d.threads ?? []) {
      ops.push({ type: 'channel.put', guildId, channel: { ...thread, guild_id: guildId } as never });
    }
  }
  if (policy.wants('role')) for (const role of d.roles ?? []) ops.push({ type: 'role.put', guildId, role });
  if (policy.wants('emoji')) {
    for (const emoji of d.emojis ?? []) if (emoji.id) ops.push({ type: 'emoji.put', guildId, emoji });
  }
  for (const member of d.members ?? []) ops.push(...memberOps(ctx, guildId, member));
  if (policy.wants('voiceState')) {
    for (const state of d.voice_states ?? []) {
      if (state.user_id && state.channel_id) {
        ops.push({ type: 'voice.put', guildId, state: { ...state, guild_id: guildId } });
      }
    }
  }
  return ops;
}

export async function guildUpdate(ctx: EventContext, d: GatewayGuildUpdateDispatchData): Promise<Op[]> {
  const guildId = d.id;
  const old = await ctx.store.guild(guildId);
  const shard = (await ctx.store.shardOf(guildId)) ?? ctx.shard;
  const ops: Op[] = [{ type: 'guild.put', guildId, shard, guild: merge(old, guildFields(d)) }];
  // GUILD_UPDATE carries the guild's roles and emojis in full: replace them.
  if (ctx.policy.wants('role') && d.roles) {
    const keep = new Set(d.roles.map((r) => r.id));
    for (const role of await ctx.store.roles(guildId)) {
      if (!keep.has(role.id)) ops.push({ type: 'role.drop', guildId, roleId: role.id });
    }
    for (const role of d.roles) ops.push({ type: 'role.put', guildId, role });
  }
  if (ctx.policy.wants('emoji') && d.emojis) {
    ops.push({ type: 'emojis.clear', guildId });
    for (const emoji of d.emojis) if (emoji.id) ops.push({ type: 'emoji.put', guildId, emoji });
  }
  return ops;
}

export async function guildDelete(ctx: EventContext, d: GatewayGuildDeleteDispatchData): Promise<Op[]> {
  const guildId = d.id;
  if (d.unavailable) {
    // An outage: the guild is still ours, only unavailable. Keep what we know of it.
    const old = await ctx.store.guild(guildId);
    if (!old) return [];
    const shard = (await ctx.store.shardOf(guildId)) ?? ctx.shard;
    return [{ type: 'guild.put', guildId, shard, guild: merge(old, { unavailable: true }) }];
  }
  // The bot left or was removed: the guild and everything under it goes.
  return [{ type: 'guild.drop', guildId }];
}
