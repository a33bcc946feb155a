/**
 * The cache seam: what the platform knows of Discord, kept current by the gateway (one writer per
 * shard, in dispatch order) and read by workers, the data-api and the gateway-proxy.
 * Objects come back in Discord's shape, reduced to the fields the cache keeps.
 */
import type {
  APIChannel,
  APIEmoji,
  APIGuild,
  APIGuildMember,
  APIRole,
  APIUser,
  GatewayVoiceState,
} from 'discord-api-types/v10';

/**
 * Entities in Discord's shape. A field the cache was configured not to keep (see the per-entity
 * field selection in the README) is absent even where Discord's type says it is always there.
 */
export type CachedGuild = Omit<APIGuild, 'roles' | 'emojis' | 'stickers'> & {
  unavailable?: boolean;
  member_count?: number;
  joined_at?: string;
  large?: boolean;
};
export type CachedChannel = APIChannel & { guild_id?: string };
export type CachedRole = APIRole;
export type CachedMember = APIGuildMember & { user: APIUser };
export type CachedUser = APIUser;
export type CachedEmoji = APIEmoji;
export type CachedVoiceState = GatewayVoiceState;

/** What the cache holds, for `shardwire cache stats` and the metrics. */
export interface CacheStats {
  backend: string;
  entities: Record<'guilds' | 'channels' | 'roles' | 'members' | 'users' | 'emojis' | 'voiceStates', number>;
  /** Bytes the cache uses: packed entities plus string headers (memory), the MEMORY USAGE of its keys (Redis). */
  bytes: number;
  /** Guilds by the age of their last event: within 5 minutes, 1 hour, 24 hours, older. */
  activity: { last5m: number; last1h: number; last24h: number; older: number };
}

export interface Page<T> {
  items: T[];
  /** Pass as `after` for the next page; absent on the last page. */
  next?: string;
}

export interface Cache {
  /**
   * Applies one gateway dispatch. Unknown event types are ignored. Returns nothing when the dispatch
   * was taken at once (an event the cache keeps nothing of, marking its guild active), so a caller
   * applying every dispatch in order waits only for those that write.
   */
  apply(t: string, d: unknown, shard: number): Promise<void> | undefined;

  guild(guildId: string): Promise<CachedGuild | undefined>;
  channel(channelId: string): Promise<CachedChannel | undefined>;
  user(userId: string): Promise<CachedUser | undefined>;
  role(guildId: string, roleId: string): Promise<CachedRole | undefined>;
  member(guildId: string, userId: string): Promise<CachedMember | undefined>;

  channels(guildId: string): Promise<CachedChannel[]>;
  roles(guildId: string): Promise<CachedRole[]>;
  members(guildId: string, options?: { limit?: number; after?: string }): Promise<Page<CachedMember>>;

  emoji(guildId: string, emojiId: string): Promise<CachedEmoji | undefined>;
  emojis(guildId: string): Promise<CachedEmoji[]>;
  voiceState(guildId: string, userId: string): Promise<CachedVoiceState | undefined>;
  voiceStates(guildId: string): Promise<CachedVoiceState[]>;

  /**
   * A member's permissions as a bit set: in the guild, or in a channel (threads use their parent's
   * overwrites), per Discord's documented algorithm. Undefined when the guild or member is not cached.
   */
  permissions(guildId: string, userId: string, channelId?: string): Promise<bigint | undefined>;

  /** Guilds held, in total or on one shard. */
  guildCount(shard?: number): Promise<number>;
  /** Ids of the guilds held, in total or on one shard. */
  guildIds(shard?: number): Promise<string[]>;

  stats(): Promise<CacheStats>;

  close(): Promise<void>;
}
