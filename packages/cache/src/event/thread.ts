/** THREAD_CREATE, THREAD_UPDATE, THREAD_DELETE, THREAD_LIST_SYNC: threads are channels with a parent. */
import type {
  GatewayThreadCreateDispatchData,
  GatewayThreadDeleteDispatchData,
  GatewayThreadListSyncDispatchData,
  GatewayThreadUpdateDispatchData,
} from 'discord-api-types/v10';
import type { CachedChannel } from '../Cache.js';
import type { Op } from '../store/Store.js';
import { type EventContext, merge } from './context.js';

export async function threadPut(
  ctx: EventContext,
  d: GatewayThreadCreateDispatchData | GatewayThreadUpdateDispatchData,
): Promise<Op[]> {
  if (!ctx.policy.wants('thread') || !d.guild_id) return [];
  const { member: _member, newly_created: _new, ...thread } = d as typeof d & { newly_created?: boolean };
  const old = await ctx.store.channel(d.id);
  return [{ type: 'channel.put', guildId: d.guild_id, channel: merge<CachedChannel>(old, thread) }];
}

export function threadDelete(ctx: EventContext, d: GatewayThreadDeleteDispatchData): Op[] {
  if (!ctx.policy.wants('thread')) return [];
  return [{ type: 'channel.drop', guildId: d.guild_id, channelId: d.id }];
}

/** Sent on gaining access to a channel: the active threads of the listed parents (or of the guild) in full. */
export async function threadListSync(ctx: EventContext, d: GatewayThreadListSyncDispatchData): Promise<Op[]> {
  if (!ctx.policy.wants('thread')) return [];
  const guildId = d.guild_id;
  const parents = d.channel_ids ? new Set(d.channel_ids) : undefined;
  const listed = new Set(d.threads.map((t) => t.id));
  const ops: Op[] = [];
  for (const channel of await ctx.store.channels(guildId)) {
    const isThread = 'thread_metadata' in channel || [10, 11, 12].includes(channel.type);
    const parentId = (channel as { parent_id?: string | null }).parent_id;
    const covered = parents === undefined || (parentId != null && parents.has(parentId));
    if (isThread && covered && !listed.has(channel.id)) {
      ops.push({ type: 'channel.drop', guildId, channelId: channel.id });
    }
  }
  for (const thread of d.threads) {
    ops.push({ type: 'channel.put', guildId, channel: { ...thread, guild_id: guildId } as CachedChannel });
  }
  return ops;
}
