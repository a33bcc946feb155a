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

export type CachedGuild = Omit<APIGuild, 'roles' | 'emojis' | 'stickers'> & {
  unavailable?: boolean;
  member_count?: number;
};
export type CachedChannel = APIChannel & { guild_id?: string };
export type CachedRole = APIRole;
export type CachedMember = APIGuildMember & { user: APIUser };
export type CachedUser = APIUser;
export type CachedEmoji = APIEmoji;
export type CachedVoiceState = GatewayVoiceState;

export interface Page<T> {
  items: T[];
  /** Pass as `after` for the next page; absent on the last page. */
  next?: string;
}

export interface Cache {
  /** Applies one gateway dispatch. Unknown event types are ignored. */
  apply(t: string, d: unknown, shard: number): Promise<void>;

  guild(guildId: string): Promise<CachedGuild | undefined>;
  channel(channelId: string): Promise<CachedChannel | undefined>;
  user(userId: string): Promise<CachedUser | undefined>;
  role(guildId: string, roleId: string): Promise<CachedRole | undefined>;
  member(guildId: string, userId: string): Promise<CachedMember | undefined>;

  channels(guildId: string): Promise<CachedChannel[]>;
  roles(guildId: string): Promise<CachedRole[]>;
  members(guildId: string, options?: { limit?: number; after?: string }): Promise<Page<CachedMember>>;

  /** Guilds held, in total or on one shard. */
  guildCount(shard?: number): Promise<number>;

  close(): Promise<void>;
}
