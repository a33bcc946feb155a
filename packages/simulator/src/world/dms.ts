/** DM channels between a bot and a user: one per pair, messages dispatched to the bot's shard 0. */
import { type APIUser, ChannelType } from 'discord-api-types/v10';
import type { ChannelRecord } from '../state/records.js';
import type { World } from './world.js';

/** A DM channel as stored: Discord's DM shape, `guild_id` empty, and the bot it belongs to. */
export type DmChannel = ChannelRecord & { dmBotId: string; recipients: APIUser[] };

export function isDm(channel: ChannelRecord): channel is DmChannel {
  return (channel.type as number) === ChannelType.DM;
}

/** The DM channel of `botId` with `user`, created on first use. */
export function openDm(world: World, botId: string, user: APIUser): DmChannel {
  for (const channel of world.store.channels.values())
    if (isDm(channel) && channel.dmBotId === botId && channel.recipients[0]?.id === user.id) return channel;
  const channel = {
    id: world.ids.next(),
    type: ChannelType.DM,
    guild_id: '',
    last_message_id: null,
    flags: 0,
    recipients: [user],
    dmBotId: botId,
  } as unknown as DmChannel;
  world.store.addChannel(channel);
  return channel;
}

/** What the API shows of a DM channel (not the bot it belongs to). */
export function dmJson(channel: DmChannel) {
  const { dmBotId: _, guild_id: __, ...rest } = channel;
  return rest;
}
