/** CHANNEL_CREATE, CHANNEL_UPDATE, CHANNEL_DELETE, CHANNEL_PINS_UPDATE (guild channels; DMs are not cached). */
import type {
  GatewayChannelCreateDispatchData,
  GatewayChannelDeleteDispatchData,
  GatewayChannelPinsUpdateDispatchData,
  GatewayChannelUpdateDispatchData,
} from 'discord-api-types/v10';
import type { CachedChannel } from '../Cache.js';
import type { Op } from '../store/Store.js';
import { type EventContext, merge } from './context.js';

type GuildChannelData = { id: string; guild_id?: string };

export function channelPut(
  ctx: EventContext,
  d: GatewayChannelCreateDispatchData | GatewayChannelUpdateDispatchData,
): Op[] {
  const { guild_id: guildId } = d as GuildChannelData;
  if (!ctx.policy.wants('channel') || !guildId) return [];
  return [{ type: 'channel.put', guildId, channel: d as CachedChannel }];
}

export function channelDelete(ctx: EventContext, d: GatewayChannelDeleteDispatchData): Op[] {
  const { guild_id: guildId } = d as GuildChannelData;
  if (!ctx.policy.wants('channel') || !guildId) return [];
  return [{ type: 'channel.drop', guildId, channelId: d.id }];
}

export async function channelPinsUpdate(
  ctx: EventContext,
  d: GatewayChannelPinsUpdateDispatchData,
): Promise<Op[]> {
  if (!ctx.policy.wants('channel') || !d.guild_id) return [];
  const old = await ctx.store.channel(d.channel_id);
  if (!old) return [];
  const update = { last_pin_timestamp: d.last_pin_timestamp ?? null };
  return [{ type: 'channel.put', guildId: d.guild_id, channel: merge<CachedChannel>(old, update) }];
}
