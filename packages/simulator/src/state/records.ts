/** What the simulator stores: Discord's own object shapes plus the indexes that find them fast. */
import type {
  APIAttachment,
  APIEmoji,
  APIGuild,
  APIGuildMember,
  APIMessage,
  APIRole,
  APITextChannel,
  APIUser,
} from 'discord-api-types/v10';

/** A bot account: its user, application and token, and which privileged intents it may request. */
export interface BotRecord {
  user: APIUser;
  applicationId: string;
  token: string;
  /** Bitfield of the privileged intents (GUILD_MEMBERS, GUILD_PRESENCES, MESSAGE_CONTENT) enabled. */
  privilegedIntents: number;
}

/** A guild channel; this simulator models text channels (type 0), categories (4) and voice (2). */
export type ChannelRecord = APITextChannel & { guild_id: string };

/**
 * A guild member, packed: a world of 100,000 guilds holds 5,000,000 of them. Only the roles, the
 * join time and the fields changed from Discord's defaults are stored; `memberJson` (factories.ts)
 * makes the Discord object when one is sent.
 */
export interface MemberRecord {
  userId: string;
  roles: string[];
  joinedAt: string;
  /** Fields set away from their defaults (`nick`, ...); absent while there are none. */
  changed?: Partial<Omit<APIGuildMember, 'user' | 'roles' | 'joined_at'>>;
}

export interface GuildRecord {
  guild: Omit<APIGuild, 'roles' | 'emojis' | 'stickers'>;
  /** `(id >> 22)`, kept as a number so the shard of a guild is one modulo. */
  shardKey: number;
  roles: Map<string, APIRole>;
  members: Map<string, MemberRecord>;
  channelIds: Set<string>;
  botIds: Set<string>;
  /** When each bot joined. */
  joinedAt: Map<string, string>;
  /** Banned users and the reason. */
  bans?: Map<string, { reason: string | null }>;
  /** Threads (kept apart from `channelIds`: Discord lists them as `threads`). */
  threadIds?: Set<string>;
  /** Custom emojis by id. */
  emojis?: Map<string, APIEmoji>;
}

/** A stored file of a message attachment, served at its `url`. */
export interface StoredFile {
  contentType: string;
  data: Buffer;
}

export interface MessageRecord {
  message: APIMessage;
  guildId: string | undefined;
  attachments: Map<string, { meta: APIAttachment; file: StoredFile }>;
  /** Reactions by emoji key (`name` or `name:id`), in the order first added: the emoji and who reacted. */
  reactions?: Map<string, { emoji: { id: string | null; name: string }; users: Set<string> }>;
}
