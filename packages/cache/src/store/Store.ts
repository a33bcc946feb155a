/**
 * The storage seam under the cache: the event handlers (`event/`) turn a dispatch into a list of
 * writes, and each backend (`memory/`, `redis/`) applies one list at once (Redis: one pipeline).
 * Entities cross this seam in Discord's shape; each backend packs them with the policy's codecs.
 */
import type {
  CachedChannel,
  CachedEmoji,
  CachedGuild,
  CachedMember,
  CachedRole,
  CachedUser,
  CachedVoiceState,
  CacheStats,
  Page,
} from '../Cache.js';
import type { Policy } from '../options.js';

/** A member as stored: its own fields, with the user kept apart (`user.put`). */
export type MemberFields = Omit<CachedMember, 'user'>;

export type Op =
  | { type: 'guild.put'; guildId: string; shard: number; guild: CachedGuild }
  /** Removes the guild and everything under it; `replacing` when a full `guild.put` follows (GUILD_CREATE). */
  | { type: 'guild.drop'; guildId: string; replacing?: boolean }
  | { type: 'channel.put'; guildId: string; channel: CachedChannel }
  | { type: 'channel.drop'; guildId: string; channelId: string }
  | { type: 'role.put'; guildId: string; role: CachedRole }
  | { type: 'role.drop'; guildId: string; roleId: string }
  | { type: 'member.put'; guildId: string; userId: string; member: MemberFields }
  | { type: 'member.drop'; guildId: string; userId: string }
  | { type: 'user.put'; user: CachedUser }
  | { type: 'emoji.put'; guildId: string; emoji: CachedEmoji }
  | { type: 'emojis.clear'; guildId: string }
  | { type: 'voice.put'; guildId: string; state: CachedVoiceState }
  | { type: 'voice.drop'; guildId: string; userId: string };

export interface StoreReader {
  guild(guildId: string): Promise<CachedGuild | undefined>;
  hasGuild(guildId: string): Promise<boolean>;
  /** The guild's shard, as last written. */
  shardOf(guildId: string): Promise<number | undefined>;
  channel(channelId: string): Promise<CachedChannel | undefined>;
  channels(guildId: string): Promise<CachedChannel[]>;
  role(guildId: string, roleId: string): Promise<CachedRole | undefined>;
  roles(guildId: string): Promise<CachedRole[]>;
  /** The member with its user joined back (a minimal `{ id }` user when users are not cached). */
  member(guildId: string, userId: string): Promise<CachedMember | undefined>;
  /** Members in ascending user id order, after `after`. */
  members(guildId: string, limit: number, after?: string): Promise<Page<CachedMember>>;
  user(userId: string): Promise<CachedUser | undefined>;
  emoji(guildId: string, emojiId: string): Promise<CachedEmoji | undefined>;
  emojis(guildId: string): Promise<CachedEmoji[]>;
  voiceState(guildId: string, userId: string): Promise<CachedVoiceState | undefined>;
  voiceStates(guildId: string): Promise<CachedVoiceState[]>;
  guildIds(shard?: number): Promise<string[]>;
  guildCount(shard?: number): Promise<number>;
}

export interface Store extends StoreReader {
  readonly backend: string;
  /** The entities and fields this store keeps. */
  readonly policy: Policy;
  /** Applies the writes in order, at once. `touched` marks guilds as active at `at` (ms). */
  write(ops: readonly Op[], touched?: { guildId: string; at: number }): Promise<void>;
  /**
   * Marks each cached guild active at its time (ms), as `write`'s `touched` does; guilds the store
   * does not hold are ignored.
   */
  touch(guilds: ReadonlyMap<string, number>): Promise<void>;
  /** Guilds whose last activity is older than `before` (ms). */
  idleGuilds(before: number): Promise<string[]>;
  /** Counts and bytes; `now` is used for the activity buckets. */
  stats(now: number): Promise<CacheStats>;
  close(): Promise<void>;
}
