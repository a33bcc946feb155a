/** Which intent an event needs, which intents are privileged, and Discord's MESSAGE_CONTENT blanking. */
import { type APIMessage, GatewayIntentBits } from 'discord-api-types/v10';
import { JsonText } from './session.js';

export const PRIVILEGED_INTENTS =
  GatewayIntentBits.GuildMembers | GatewayIntentBits.GuildPresences | GatewayIntentBits.MessageContent;

/** Every intent bit Discord defines; anything else in IDENTIFY is a 4013. */
export const ALL_INTENTS = Object.values(GatewayIntentBits)
  .filter((v): v is number => typeof v === 'number')
  .reduce((all, bit) => all | bit, 0);

const GUILD_EVENTS: Record<string, number> = {
  GUILD_CREATE: GatewayIntentBits.Guilds,
  GUILD_UPDATE: GatewayIntentBits.Guilds,
  GUILD_DELETE: GatewayIntentBits.Guilds,
  GUILD_ROLE_CREATE: GatewayIntentBits.Guilds,
  GUILD_ROLE_UPDATE: GatewayIntentBits.Guilds,
  GUILD_ROLE_DELETE: GatewayIntentBits.Guilds,
  CHANNEL_CREATE: GatewayIntentBits.Guilds,
  CHANNEL_UPDATE: GatewayIntentBits.Guilds,
  CHANNEL_DELETE: GatewayIntentBits.Guilds,
  CHANNEL_PINS_UPDATE: GatewayIntentBits.Guilds,
  THREAD_CREATE: GatewayIntentBits.Guilds,
  THREAD_UPDATE: GatewayIntentBits.Guilds,
  THREAD_DELETE: GatewayIntentBits.Guilds,
  GUILD_MEMBER_ADD: GatewayIntentBits.GuildMembers,
  GUILD_MEMBER_UPDATE: GatewayIntentBits.GuildMembers,
  GUILD_MEMBER_REMOVE: GatewayIntentBits.GuildMembers,
  PRESENCE_UPDATE: GatewayIntentBits.GuildPresences,
  MESSAGE_CREATE: GatewayIntentBits.GuildMessages,
  MESSAGE_UPDATE: GatewayIntentBits.GuildMessages,
  MESSAGE_DELETE: GatewayIntentBits.GuildMessages,
  MESSAGE_DELETE_BULK: GatewayIntentBits.GuildMessages,
  TYPING_START: GatewayIntentBits.GuildMessageTyping,
  MESSAGE_REACTION_ADD: GatewayIntentBits.GuildMessageReactions,
  MESSAGE_REACTION_REMOVE: GatewayIntentBits.GuildMessageReactions,
  MESSAGE_REACTION_REMOVE_ALL: GatewayIntentBits.GuildMessageReactions,
  MESSAGE_REACTION_REMOVE_EMOJI: GatewayIntentBits.GuildMessageReactions,
  VOICE_STATE_UPDATE: GatewayIntentBits.GuildVoiceStates,
  GUILD_BAN_ADD: GatewayIntentBits.GuildModeration,
  GUILD_BAN_REMOVE: GatewayIntentBits.GuildModeration,
  GUILD_EMOJIS_UPDATE: GatewayIntentBits.GuildExpressions,
  THREAD_LIST_SYNC: GatewayIntentBits.Guilds,
  WEBHOOKS_UPDATE: GatewayIntentBits.GuildWebhooks,
  THREAD_MEMBER_UPDATE: GatewayIntentBits.Guilds,
  THREAD_MEMBERS_UPDATE: GatewayIntentBits.GuildMembers,
};

const DM_EVENTS: Record<string, number> = {
  MESSAGE_CREATE: GatewayIntentBits.DirectMessages,
  MESSAGE_UPDATE: GatewayIntentBits.DirectMessages,
  MESSAGE_DELETE: GatewayIntentBits.DirectMessages,
  TYPING_START: GatewayIntentBits.DirectMessageTyping,
  MESSAGE_REACTION_ADD: GatewayIntentBits.DirectMessageReactions,
  MESSAGE_REACTION_REMOVE: GatewayIntentBits.DirectMessageReactions,
};

/** The intent bit an event needs (0 = always sent: READY, RESUMED, GUILD_MEMBERS_CHUNK...). */
export function intentFor(event: string, inGuild: boolean): number {
  return (inGuild ? GUILD_EVENTS[event] : DM_EVENTS[event]) ?? 0;
}

export function isWanted(event: string, inGuild: boolean, intents: number): boolean {
  const needed = intentFor(event, inGuild);
  return needed === 0 || (intents & needed) !== 0;
}

/**
 * Without MESSAGE_CONTENT, Discord blanks `content`, `embeds`, `attachments`, `components` (and
 * `poll`) except in DMs, in the bot's own messages and in messages that mention the bot.
 */
export function messageForIntents<M extends Partial<APIMessage>>(
  message: M,
  botId: string,
  intents: number,
  inGuild: boolean,
): M {
  if ((intents & GatewayIntentBits.MessageContent) !== 0 || !inGuild) return message;
  if (message.author?.id === botId) return message;
  if (message.mentions?.some((user) => user.id === botId)) return message;
  const blanked: M = { ...message };
  if ('content' in message) blanked.content = '';
  if ('embeds' in message) blanked.embeds = [];
  if ('attachments' in message) blanked.attachments = [];
  if ('components' in message) blanked.components = [];
  delete blanked.poll;
  return blanked;
}

/**
 * A message's JSON text with its `content` kept apart, so the form Discord sends a bot without
 * MESSAGE_CONTENT is one concatenation. Only for messages with no mentions, embeds, attachments,
 * components or poll (synthetic load): blanking them empties `content` and nothing else.
 */
export class MessageJsonText extends JsonText {
  constructor(
    readonly authorId: string,
    /** The text up to `"content":`, then the content as a JSON string, then the rest. */
    private readonly head: string,
    contentJson: string,
    private readonly tail: string,
  ) {
    super(head + contentJson + tail);
  }

  /** The text as `messageForIntents` would make it for this bot. */
  forIntents(botId: string, intents: number, inGuild: boolean): JsonText {
    if ((intents & GatewayIntentBits.MessageContent) !== 0 || !inGuild || this.authorId === botId)
      return this;
    return new JsonText(`${this.head}""${this.tail}`);
  }
}
