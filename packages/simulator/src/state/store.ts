/** The simulator's state: users, bots, guilds, channels and messages, with the indexes lookups need. */
import type { APIRole, APIUser } from 'discord-api-types/v10';
import { compareIds } from './ids.js';
import { MessageLog } from './messageLog.js';
import type { BotRecord, ChannelRecord, GuildRecord, MemberRecord } from './records.js';
import { ShardIndex } from './shardIndex.js';

export class Store {
  readonly users = new Map<string, APIUser>();
  /** In creation order; the first is the default bot. */
  readonly bots = new Map<string, BotRecord>();
  readonly botsByToken = new Map<string, BotRecord>();
  readonly guilds = new Map<string, GuildRecord>();
  readonly channels = new Map<string, ChannelRecord>();
  readonly #messages = new Map<string, MessageLog>();
  readonly #guildsOfBot = new Map<string, Set<string>>();
  /** Guild ids in id order, for paging; rebuilt lazily after a change. */
  #sortedGuildIds: string[] | undefined;
  readonly shards = new ShardIndex((botId) => this.#guildRecordsOf(botId));

  addUser(user: APIUser): void {
    this.users.set(user.id, user);
  }

  addBot(bot: BotRecord): void {
    this.users.set(bot.user.id, bot.user);
    this.bots.set(bot.user.id, bot);
    this.botsByToken.set(bot.token, bot);
    this.#guildsOfBot.set(bot.user.id, new Set());
  }

  botByToken(token: string): BotRecord | undefined {
    return this.botsByToken.get(token);
  }

  addGuild(record: GuildRecord): void {
    this.guilds.set(record.guild.id, record);
    this.#sortedGuildIds = undefined;
  }

  removeGuild(guildId: string): GuildRecord | undefined {
    const record = this.guilds.get(guildId);
    if (!record) return undefined;
    for (const botId of [...record.botIds]) this.removeBotFromGuild(botId, guildId);
    for (const channelId of [...record.channelIds, ...(record.threadIds ?? [])])
      this.removeChannel(channelId);
    this.guilds.delete(guildId);
    this.#sortedGuildIds = undefined;
    return record;
  }

  /** Guilds in id order after `after`, at most `limit`. */
  pageGuilds(after: string | undefined, limit: number): GuildRecord[] {
    this.#sortedGuildIds ??= [...this.guilds.keys()].sort(compareIds);
    const ids = this.#sortedGuildIds;
    let start = 0;
    if (after !== undefined) {
      let lo = 0;
      let hi = ids.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (compareIds(ids[mid]!, after) <= 0) lo = mid + 1;
        else hi = mid;
      }
      start = lo;
    }
    return ids.slice(start, start + limit).map((id) => this.guilds.get(id)!);
  }

  addBotToGuild(botId: string, guildId: string, joinedAt: string): void {
    const guild = this.guilds.get(guildId);
    if (!guild || guild.botIds.has(botId)) return;
    guild.botIds.add(botId);
    guild.joinedAt.set(botId, joinedAt);
    this.#guildsOfBot.get(botId)?.add(guildId);
    this.shards.joined(botId, guildId, guild.shardKey);
  }

  removeBotFromGuild(botId: string, guildId: string): void {
    const guild = this.guilds.get(guildId);
    if (!guild?.botIds.delete(botId)) return;
    guild.joinedAt.delete(botId);
    guild.members.delete(botId);
    this.#guildsOfBot.get(botId)?.delete(guildId);
    this.shards.left(botId, guildId, guild.shardKey);
  }

  guildIdsOfBot(botId: string): ReadonlySet<string> {
    return this.#guildsOfBot.get(botId) ?? new Set();
  }

  addChannel(channel: ChannelRecord): void {
    this.channels.set(channel.id, channel);
    this.guilds.get(channel.guild_id)?.channelIds.add(channel.id);
  }

  /** A thread: a channel for messages, listed in its guild's `threadIds` rather than `channelIds`. */
  addThread(thread: ChannelRecord): void {
    this.channels.set(thread.id, thread);
    const guild = this.guilds.get(thread.guild_id);
    if (guild) {
      guild.threadIds ??= new Set();
      guild.threadIds.add(thread.id);
    }
  }

  isThread(channel: ChannelRecord): boolean {
    return this.guilds.get(channel.guild_id)?.threadIds?.has(channel.id) ?? false;
  }

  threadsOf(guild: GuildRecord): ChannelRecord[] {
    return [...(guild.threadIds ?? [])].map((id) => this.channels.get(id)!);
  }

  removeChannel(channelId: string): ChannelRecord | undefined {
    const channel = this.channels.get(channelId);
    if (!channel) return undefined;
    this.channels.delete(channelId);
    this.#messages.delete(channelId);
    const guild = this.guilds.get(channel.guild_id);
    guild?.channelIds.delete(channelId);
    guild?.threadIds?.delete(channelId);
    return channel;
  }

  channelsOf(guild: GuildRecord): ChannelRecord[] {
    return [...guild.channelIds].map((id) => this.channels.get(id)!);
  }

  /** The channel's messages; undefined for no channel. Made on first use: most channels of a large world never get one. */
  messages(channelId: string): MessageLog | undefined {
    let log = this.#messages.get(channelId);
    if (!log && this.channels.has(channelId)) {
      log = new MessageLog();
      this.#messages.set(channelId, log);
    }
    return log;
  }

  addRole(guild: GuildRecord, role: APIRole): void {
    guild.roles.set(role.id, role);
  }

  addMember(guild: GuildRecord, member: MemberRecord): void {
    guild.members.set(member.userId, member);
  }

  *#guildRecordsOf(botId: string): Iterable<{ id: string; shardKey: number }> {
    for (const id of this.#guildsOfBot.get(botId) ?? [])
      yield { id, shardKey: this.guilds.get(id)!.shardKey };
  }
}
