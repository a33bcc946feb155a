/** Realistic dispatch payloads for synthetic load: messages, typing, reactions, presences in a guild. */
import type { SnowflakeGenerator } from '@shardwire/core';
import type { APIUser } from 'discord-api-types/v10';
import { MessageJsonText } from '../gateway/intents.js';
import { JsonText } from '../gateway/session.js';
import {
  fillJson,
  JSON_GAP,
  jsonTemplate,
  makeMessage,
  memberJsonOpen,
  userJson,
} from '../state/factories.js';
import { createRandom, type Random } from '../state/random.js';
import type { GuildRecord, MemberRecord } from '../state/records.js';
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
/**
 * Message contents as JSON strings (one to twelve words), made once: an event draws one rather than
 * joining words and stringifying them.
 */
const CONTENT_TEXTS = (() => {
  const random = createRandom(1);
  return Array.from({ length: 1024 }, () => {
    let content = WORDS[random.int(WORDS.length)]!;
    for (let i = random.int(12); i > 0; i--) content += ` ${WORDS[random.int(WORDS.length)]}`;
    return JSON.stringify(content);
  });
})();
const EMOJIS = ['👍', '🔥', '😂', '🎉', '❤️'];
const STATUSES = ['online', 'idle', 'dnd'] as const;

/**
 * The JSON texts of the load events, cut at their variable fields (`JSON_GAP`) from the objects
 * Discord's shapes are built as, so each event is a few concatenations: no message, member or
 * payload object made and stringified per event.
 */
const MESSAGE_TEMPLATE = jsonTemplate(
  Object.assign(
    makeMessage({
      id: JSON_GAP,
      channelId: JSON_GAP,
      author: JSON_GAP as unknown as APIUser,
      content: JSON_GAP,
      timestamp: JSON_GAP,
    }),
    { member: JSON_GAP, guild_id: JSON_GAP },
  ),
);
/** The message template before and after `content` (its fourth gap). */
const MESSAGE_HEAD = MESSAGE_TEMPLATE.slice(0, 4);
const MESSAGE_TAIL = MESSAGE_TEMPLATE.slice(4);
const TYPING_TEMPLATE = jsonTemplate({
  channel_id: JSON_GAP,
  guild_id: JSON_GAP,
  user_id: JSON_GAP,
  timestamp: JSON_GAP,
  member: JSON_GAP,
});
const REACTION_TEMPLATE = jsonTemplate({
  user_id: JSON_GAP,
  channel_id: JSON_GAP,
  message_id: JSON_GAP,
  guild_id: JSON_GAP,
  member: JSON_GAP,
  emoji: JSON_GAP,
  burst: false,
  type: 0,
});
const PRESENCE_TEMPLATE = jsonTemplate({
  user: { id: JSON_GAP },
  guild_id: JSON_GAP,
  status: JSON_GAP,
  activities: [],
  client_status: { desktop: JSON_GAP },
});
const EMOJI_TEXTS = EMOJIS.map((name) => JSON.stringify({ id: null, name }));
const STATUS_TEXTS = STATUSES.map((status) => JSON.stringify(status));

/** A snowflake (digits only) as a JSON string. */
function idText(id: string): string {
  return `"${id}"`;
}

/** The `index`-th value of `values`; walked, as Maps and Sets have no index. */
function nth<T>(values: Iterable<T>, index: number): T | undefined {
  let at = 0;
  for (const value of values) if (at++ === index) return value;
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
): JsonText | undefined {
  // Picked by walking the guild's own Set and Map: no per-guild arrays to build or keep (a load
  // reaches every one of 100,000 guilds). Bots (always members, a handful in 50) are drawn again
  // rather than looked up in botIds for every member walked past.
  const channelId = nth(guild.channelIds, random.int(guild.channelIds.size));
  if (channelId === undefined || guild.members.size <= guild.botIds.size) return undefined;
  let record: MemberRecord | undefined;
  do record = nth(guild.members.values(), random.int(guild.members.size));
  while (record !== undefined && guild.botIds.has(record.userId));
  const user = record && store.users.get(record.userId);
  if (!record || !user) return undefined;
  const guildId = idText(guild.guild.id);
  const channel = idText(channelId);
  switch (kind) {
    case 'MESSAGE_CREATE': {
      const head = fillJson(MESSAGE_HEAD, idText(ids.next()), channel, userJson(user));
      const tail = fillJson(MESSAGE_TAIL, `"${timestamp}"`, `${memberJsonOpen(record)}}`, guildId);
      return new MessageJsonText(user.id, head, CONTENT_TEXTS[random.int(CONTENT_TEXTS.length)]!, tail);
    }
    case 'TYPING_START':
      return new JsonText(
        fillJson(
          TYPING_TEMPLATE,
          channel,
          guildId,
          idText(user.id),
          String(Math.floor(nowMs / 1000)),
          memberWithUserText(record, user),
        ),
      );
    case 'MESSAGE_REACTION_ADD':
      return new JsonText(
        fillJson(
          REACTION_TEMPLATE,
          idText(user.id),
          channel,
          idText(ids.next()),
          guildId,
          memberWithUserText(record, user),
          EMOJI_TEXTS[random.int(EMOJI_TEXTS.length)]!,
        ),
      );
    case 'PRESENCE_UPDATE': {
      const status = STATUS_TEXTS[random.int(STATUS_TEXTS.length)]!;
      return new JsonText(fillJson(PRESENCE_TEMPLATE, idText(user.id), guildId, status, status));
    }
  }
}

/** `memberWithUser` as JSON text. */
function memberWithUserText(record: MemberRecord, user: APIUser): string {
  return `${memberJsonOpen(record)},"user":${userJson(user)}}`;
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
