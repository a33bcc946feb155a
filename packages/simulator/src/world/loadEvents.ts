/** Realistic dispatch payloads for synthetic load: messages, typing, reactions, presences in a guild. */
import type { SnowflakeGenerator } from '@shardwire/core';
import { makeMessage, memberJson, memberWithUser } from '../state/factories.js';
import type { Random } from '../state/random.js';
import type { GuildRecord } from '../state/records.js';
import type { Store } from '../state/store.js';

export const LOAD_EVENTS = [
  'MESSAGE_CREATE',
  'TYPING_START',
  'MESSAGE_REACTION_ADD',
  'PRESENCE_UPDATE',
] as const;
export type LoadEvent = (typeof LOAD_EVENTS)[number];

/** The default mix: mostly messages, as in a busy bot's guilds. */
export const DEFAULT_MIX: Record<LoadEvent, number> = {
  MESSAGE_CREATE: 0.6,
  TYPING_START: 0.25,
  MESSAGE_REACTION_ADD: 0.1,
  PRESENCE_UPDATE: 0.05,
};

const WORDS = [
  'hello',
  'shard',
  'ping',
  'gg',
  'anyone',
  'up',
  'for',
  'a',
  'game',
  'tonight',
  'lol',
  'nice',
  'bot',
];
const EMOJIS = ['👍', '🔥', '😂', '🎉', '❤️'];
const STATUSES = ['online', 'idle', 'dnd'] as const;

/** The `index`-th value of `values`, skipping those in `skip`; walked, as Maps and Sets have no index. */
function nth(values: Iterable<string>, index: number, skip?: ReadonlySet<string>): string | undefined {
  let at = 0;
  for (const value of values) {
    if (skip?.has(value)) continue;
    if (at++ === index) return value;
  }
  return undefined;
}

/** One event's data for `guild`, or undefined when the guild has no channel or member to use. */
export function buildLoadEvent(
  kind: LoadEvent,
  store: Store,
  guild: GuildRecord,
  ids: SnowflakeGenerator,
  random: Random,
  nowMs: number,
  /** `nowMs` as ISO 8601, made once per tick rather than per event. */
  timestamp: string,
): unknown {
  // Picked by walking the guild's own Set and Map: no per-guild arrays to build or keep (a load
  // reaches every one of 100,000 guilds), and bots (always members) are skipped without a user lookup.
  const channelId = nth(guild.channelIds, random.int(guild.channelIds.size));
  const userId = nth(guild.members.keys(), random.int(guild.members.size - guild.botIds.size), guild.botIds);
  if (channelId === undefined || userId === undefined) return undefined;
  const user = store.users.get(userId);
  const record = guild.members.get(userId);
  if (!user || !record) return undefined;
  const guildId = guild.guild.id;
  switch (kind) {
    case 'MESSAGE_CREATE': {
      let content = WORDS[random.int(WORDS.length)]!;
      for (let i = random.int(12); i > 0; i--) content += ` ${WORDS[random.int(WORDS.length)]}`;
      const message = makeMessage({ id: ids.next(), channelId, author: user, content, timestamp });
      return Object.assign(message, { guild_id: guildId, member: memberJson(record) });
    }
    case 'TYPING_START':
      return {
        channel_id: channelId,
        guild_id: guildId,
        user_id: userId,
        timestamp: Math.floor(nowMs / 1000),
        member: memberWithUser(record, user),
      };
    case 'MESSAGE_REACTION_ADD':
      return {
        user_id: userId,
        channel_id: channelId,
        message_id: ids.next(),
        guild_id: guildId,
        member: memberWithUser(record, user),
        emoji: { id: null, name: EMOJIS[random.int(EMOJIS.length)] },
        burst: false,
        type: 0,
      };
    case 'PRESENCE_UPDATE': {
      const status = STATUSES[random.int(STATUSES.length)]!;
      return {
        user: { id: userId },
        guild_id: guildId,
        status,
        activities: [],
        client_status: { desktop: status },
      };
    }
  }
}

/** Picks an event kind by the mix's weights (which need not add up to 1). */
export function pickKind(mix: ReadonlyArray<[LoadEvent, number]>, total: number, roll: number): LoadEvent {
  let at = roll * total;
  for (const [kind, weight] of mix) {
    if (at < weight) return kind;
    at -= weight;
  }
  return mix[mix.length - 1]![0];
}
