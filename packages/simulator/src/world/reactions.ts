/** Reactions and pins on messages, with their dispatches. */
import type { APIMessage } from 'discord-api-types/v10';
import { memberWithUser } from '../state/factories.js';
import type { ChannelRecord, MessageRecord } from '../state/records.js';
import type { World } from './world.js';

export interface Emoji {
  id: string | null;
  name: string;
}

/** `👍` or `name:123` (custom emoji, as in the route) → the emoji; undefined for an empty or malformed one. */
export function parseEmoji(raw: string): Emoji | undefined {
  let text: string;
  try {
    text = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  const custom = /^a?:?([\w~-]{2,32}):(\d{1,20})$/.exec(text);
  if (custom) return { id: custom[2]!, name: custom[1]! };
  if (text.length === 0 || text.length > 32 || /[\s:]/.test(text)) return undefined;
  return { id: null, name: text };
}

const keyOf = (emoji: Emoji) => (emoji.id ? `${emoji.name}:${emoji.id}` : emoji.name);

/** The message's `reactions` as `viewerId` sees them (`me`). */
export function reactionsFor(record: MessageRecord, viewerId: string): APIMessage['reactions'] {
  if (!record.reactions?.size) return undefined;
  return [...record.reactions.values()].map(({ emoji, users }) => ({
    emoji,
    count: users.size,
    count_details: { burst: 0, normal: users.size },
    me: users.has(viewerId),
    me_burst: false,
    burst_colors: [],
  }));
}

function event(channel: ChannelRecord, record: MessageRecord, userId: string, emoji: Emoji) {
  return {
    user_id: userId,
    channel_id: channel.id,
    message_id: record.message.id,
    guild_id: channel.guild_id,
    emoji,
    burst: false,
    type: 0,
  };
}

/** Adds `userId`'s reaction; false when it was there already (Discord answers 204 and sends nothing). */
export function addReaction(
  world: World,
  channel: ChannelRecord,
  record: MessageRecord,
  userId: string,
  emoji: Emoji,
): boolean {
  record.reactions ??= new Map();
  const key = keyOf(emoji);
  let entry = record.reactions.get(key);
  if (!entry) {
    entry = { emoji, users: new Set() };
    record.reactions.set(key, entry);
  }
  if (entry.users.has(userId)) return false;
  entry.users.add(userId);
  const guild = world.store.guilds.get(channel.guild_id);
  const member = guild?.members.get(userId);
  const user = world.store.users.get(userId);
  world.dispatcher.toGuild(channel.guild_id, 'MESSAGE_REACTION_ADD', {
    ...event(channel, record, userId, emoji),
    ...(member && user ? { member: memberWithUser(member, user) } : {}),
    message_author_id: record.message.author.id,
  });
  return true;
}

export function removeReaction(
  world: World,
  channel: ChannelRecord,
  record: MessageRecord,
  userId: string,
  emoji: Emoji,
): void {
  const key = keyOf(emoji);
  const entry = record.reactions?.get(key);
  if (!entry?.users.delete(userId)) return;
  if (entry.users.size === 0) record.reactions?.delete(key);
  world.dispatcher.toGuild(
    channel.guild_id,
    'MESSAGE_REACTION_REMOVE',
    event(channel, record, userId, emoji),
  );
}

/** Every reaction, or every reaction of one emoji. */
export function removeAllReactions(
  world: World,
  channel: ChannelRecord,
  record: MessageRecord,
  emoji?: Emoji,
): void {
  const base = { channel_id: channel.id, message_id: record.message.id, guild_id: channel.guild_id };
  if (emoji) {
    if (!record.reactions?.delete(keyOf(emoji))) return;
    world.dispatcher.toGuild(channel.guild_id, 'MESSAGE_REACTION_REMOVE_EMOJI', { ...base, emoji });
    return;
  }
  record.reactions?.clear();
  world.dispatcher.toGuild(channel.guild_id, 'MESSAGE_REACTION_REMOVE_ALL', base);
}

export function usersWhoReacted(world: World, record: MessageRecord, emoji: Emoji) {
  const users = record.reactions?.get(keyOf(emoji))?.users ?? new Set<string>();
  return [...users].flatMap((id) => {
    const user = world.store.users.get(id);
    return user ? [user] : [];
  });
}

/** Pins or unpins; CHANNEL_PINS_UPDATE and MESSAGE_UPDATE when it changed. */
export function setPinned(
  world: World,
  channel: ChannelRecord,
  record: MessageRecord,
  pinned: boolean,
): void {
  if (record.message.pinned === pinned) return;
  record.message.pinned = pinned;
  world.dispatcher.toGuild(channel.guild_id, 'MESSAGE_UPDATE', {
    ...record.message,
    guild_id: channel.guild_id,
  });
  world.dispatcher.toGuild(channel.guild_id, 'CHANNEL_PINS_UPDATE', {
    guild_id: channel.guild_id,
    channel_id: channel.id,
    last_pin_timestamp: pinned ? world.now() : null,
  });
}
