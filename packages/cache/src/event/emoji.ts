/** GUILD_EMOJIS_UPDATE: the guild's emojis in full. */
import type { GatewayGuildEmojisUpdateDispatchData } from 'discord-api-types/v10';
import type { Op } from '../store/Store.js';
import type { EventContext } from './context.js';

export function emojisUpdate(ctx: EventContext, d: GatewayGuildEmojisUpdateDispatchData): Op[] {
  if (!ctx.policy.wants('emoji')) return [];
  const ops: Op[] = [{ type: 'emojis.clear', guildId: d.guild_id }];
  for (const emoji of d.emojis) if (emoji.id) ops.push({ type: 'emoji.put', guildId: d.guild_id, emoji });
  return ops;
}
