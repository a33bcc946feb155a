/** Every change to the simulated Discord goes through here: the store is updated, then the event is dispatched. */
import type { Clock } from '@shardwire/core';
import { type APIRole, type APIUser, ChannelType } from 'discord-api-types/v10';
import type { Dispatcher } from '../gateway/dispatcher.js';
import { PRIVILEGED_INTENTS } from '../gateway/intents.js';
import { buildGuildCreate, guildObject } from '../gateway/payloads.js';
import {
  ADMINISTRATOR,
  EVERYONE_PERMISSIONS,
  makeGuild,
  makeMember,
  makeRole,
  makeTextChannel,
  makeUser,
  memberWithUser,
} from '../state/factories.js';
import type { IdSource } from '../state/idSource.js';
import { shardKeyOf } from '../state/ids.js';
import type { Random } from '../state/random.js';
import type { BotRecord, ChannelRecord, GuildRecord } from '../state/records.js';
import type { Store } from '../state/store.js';
import { makeBotToken } from '../state/tokens.js';
import { ApplicationCommands } from './commands.js';
import { Interactions } from './interactions.js';
import { channelName, guildName, roleName, userName } from './names.js';
import { OAuth2 } from './oauth2.js';
import { Webhooks } from './webhooks.js';

export interface NewGuild {
  name?: string;
  channels?: number;
  roles?: number;
  members?: number;
  /**
   * Existing users to make the members (the first owns the guild), instead of `members` new ones:
   * a large world shares users across guilds, as Discord's users are in many guilds.
   */
  users?: APIUser[];
  /** Bot user ids; the default bot when absent. */
  bots?: string[];
}

export type ChannelPatch = Partial<
  Pick<
    ChannelRecord,
    'name' | 'topic' | 'nsfw' | 'position' | 'rate_limit_per_user' | 'parent_id' | 'permission_overwrites'
  >
>;
export type RolePatch = Partial<
  Pick<APIRole, 'name' | 'color' | 'hoist' | 'mentionable' | 'permissions' | 'position'>
>;

export class World {
  /** Interactions in flight and the apps' keys and interactions URLs. */
  readonly interactions = new Interactions();
  /** OAuth2 codes, tokens and client secrets. */
  readonly oauth2 = new OAuth2(() => this.clock.now());
  /** Channel webhooks. */
  readonly webhooks = new Webhooks();
  /** Application commands of every app. */
  readonly commands: ApplicationCommands;

  constructor(
    readonly store: Store,
    readonly dispatcher: Dispatcher,
    readonly ids: IdSource,
    readonly random: Random,
    readonly clock: Clock,
  ) {
    this.commands = new ApplicationCommands(ids);
  }

  now(): string {
    return new Date(this.clock.now()).toISOString();
  }

  get defaultBot(): BotRecord {
    return this.store.bots.values().next().value!;
  }

  createBot(input: { username?: string; privilegedIntents?: number } = {}): BotRecord {
    const id = this.ids.next();
    const username = input.username ?? `shardwire-bot-${this.store.bots.size + 1}`;
    const bot: BotRecord = {
      user: makeUser(id, username, true),
      applicationId: id,
      token: makeBotToken(id, this.random),
      privilegedIntents: (input.privilegedIntents ?? PRIVILEGED_INTENTS) & PRIVILEGED_INTENTS,
    };
    this.store.addBot(bot);
    return bot;
  }

  createUser(username = userName(this.random)): APIUser {
    const user = makeUser(this.ids.next(), username);
    this.store.addUser(user);
    return user;
  }

  createGuild(input: NewGuild = {}): GuildRecord {
    const { store } = this;
    const id = this.ids.next();
    const humans = input.users?.length
      ? input.users
      : Array.from({ length: Math.max(1, input.members ?? 5) }, () => this.createUser());
    const owner = humans[0]!;
    const guild = makeGuild(id, input.name ?? guildName(this.random), owner.id, shardKeyOf(id));
    store.addGuild(guild);
    store.addRole(guild, makeRole(id, '@everyone', 0, EVERYONE_PERMISSIONS));
    const roleIds: string[] = [];
    for (let i = 0; i < (input.roles ?? 2); i++) {
      const role = makeRole(this.ids.next(), roleName(i), i + 1, EVERYONE_PERMISSIONS);
      store.addRole(guild, role);
      roleIds.push(role.id);
    }
    for (let i = 0; i < Math.max(1, input.channels ?? 3); i++)
      store.addChannel(makeTextChannel(this.ids.next(), id, channelName(i), i));
    guild.guild.system_channel_id = store.channelsOf(guild)[0]!.id;
    const joinedAt = this.now();
    humans.forEach((user, i) => {
      const roles = roleIds.length > 0 && i % 2 === 1 ? [roleIds[i % roleIds.length]!] : undefined;
      store.addMember(guild, makeMember(user.id, joinedAt, roles));
    });
    for (const botId of input.bots ?? [this.defaultBot.user.id]) this.addBotToGuild(guild, botId);
    return guild;
  }

  /** The bot joins: its member and managed role are added, it gets GUILD_CREATE, the others see the member and role. */
  addBotToGuild(guild: GuildRecord, botId: string): void {
    const bot = this.store.bots.get(botId);
    if (!bot || guild.botIds.has(botId)) return;
    const guildId = guild.guild.id;
    const role = makeRole(this.ids.next(), bot.user.username, guild.roles.size, ADMINISTRATOR, {
      managed: true,
      tags: { bot_id: botId },
    });
    const others = [...guild.botIds];
    this.store.addRole(guild, role);
    const member = makeMember(botId, this.now(), [role.id]);
    this.store.addMember(guild, member);
    this.store.addBotToGuild(botId, guildId, this.now());
    for (const other of others) {
      this.dispatcher.toBotInGuild(other, guildId, 'GUILD_ROLE_CREATE', { guild_id: guildId, role });
      this.dispatcher.toBotInGuild(other, guildId, 'GUILD_MEMBER_ADD', {
        ...memberWithUser(member, bot.user),
        guild_id: guildId,
      });
    }
    this.dispatcher.toBotInGuild(
      botId,
      guildId,
      'GUILD_CREATE',
      (_bot: string, session: { intents: number; largeThreshold: number }) =>
        buildGuildCreate(this.store, guild, botId, session),
    );
  }

  removeBotFromGuild(guild: GuildRecord, botId: string): void {
    if (!guild.botIds.has(botId)) return;
    const guildId = guild.guild.id;
    this.store.removeBotFromGuild(botId, guildId);
    this.dispatcher.toBotInGuild(botId, guildId, 'GUILD_DELETE', { id: guildId }, guild.shardKey);
    const user = this.store.users.get(botId);
    this.dispatcher.toGuild(guildId, 'GUILD_MEMBER_REMOVE', { guild_id: guildId, user });
  }

  updateGuild(guild: GuildRecord, patch: { name?: string; description?: string | null }): void {
    Object.assign(guild.guild, patch);
    this.dispatcher.toGuild(guild.guild.id, 'GUILD_UPDATE', guildObject(guild));
  }

  deleteGuild(guild: GuildRecord): void {
    const bots = [...guild.botIds];
    this.store.removeGuild(guild.guild.id);
    for (const botId of bots)
      this.dispatcher.toBotInGuild(
        botId,
        guild.guild.id,
        'GUILD_DELETE',
        { id: guild.guild.id },
        guild.shardKey,
      );
  }

  createChannel(guild: GuildRecord, input: ChannelPatch & { type?: ChannelType }): ChannelRecord {
    const type =
      input.type === ChannelType.GuildVoice || input.type === ChannelType.GuildCategory
        ? input.type
        : ChannelType.GuildText;
    const channel = makeTextChannel(
      this.ids.next(),
      guild.guild.id,
      input.name ?? 'new-channel',
      guild.channelIds.size,
      type,
    );
    Object.assign(channel, stripUndefined(input), { type });
    this.store.addChannel(channel);
    this.dispatcher.toGuild(guild.guild.id, 'CHANNEL_CREATE', channel);
    return channel;
  }

  updateChannel(channel: ChannelRecord, patch: ChannelPatch): ChannelRecord {
    Object.assign(channel, stripUndefined(patch));
    this.dispatcher.toGuild(channel.guild_id, 'CHANNEL_UPDATE', channel);
    return channel;
  }

  deleteChannel(channel: ChannelRecord): void {
    const thread = this.store.isThread(channel);
    this.store.removeChannel(channel.id);
    if (thread)
      this.dispatcher.toGuild(channel.guild_id, 'THREAD_DELETE', {
        id: channel.id,
        guild_id: channel.guild_id,
        parent_id: channel.parent_id,
        type: channel.type,
      });
    else this.dispatcher.toGuild(channel.guild_id, 'CHANNEL_DELETE', channel);
  }

  createRole(guild: GuildRecord, patch: RolePatch): APIRole {
    const role = makeRole(this.ids.next(), 'new role', guild.roles.size, '0');
    Object.assign(role, stripUndefined(patch));
    this.store.addRole(guild, role);
    this.dispatcher.toGuild(guild.guild.id, 'GUILD_ROLE_CREATE', { guild_id: guild.guild.id, role });
    return role;
  }

  updateRole(guild: GuildRecord, role: APIRole, patch: RolePatch): APIRole {
    Object.assign(role, stripUndefined(patch));
    this.dispatcher.toGuild(guild.guild.id, 'GUILD_ROLE_UPDATE', { guild_id: guild.guild.id, role });
    return role;
  }

  deleteRole(guild: GuildRecord, roleId: string): void {
    guild.roles.delete(roleId);
    for (const member of guild.members.values()) member.roles = member.roles.filter((r) => r !== roleId);
    this.dispatcher.toGuild(guild.guild.id, 'GUILD_ROLE_DELETE', {
      guild_id: guild.guild.id,
      role_id: roleId,
    });
  }

  addMember(guild: GuildRecord, username?: string): APIUser {
    const user = this.createUser(username);
    const member = makeMember(user.id, this.now());
    this.store.addMember(guild, member);
    this.dispatcher.toGuild(guild.guild.id, 'GUILD_MEMBER_ADD', {
      ...memberWithUser(member, user),
      guild_id: guild.guild.id,
    });
    return user;
  }

  updateMember(guild: GuildRecord, userId: string, patch: { nick?: string | null; roles?: string[] }): void {
    const member = guild.members.get(userId);
    const user = this.store.users.get(userId);
    if (!member || !user) return;
    const { roles, ...changed } = stripUndefined(patch);
    if (roles) member.roles = roles;
    if (Object.keys(changed).length > 0) member.changed = { ...member.changed, ...changed };
    this.dispatcher.toGuild(guild.guild.id, 'GUILD_MEMBER_UPDATE', {
      ...memberWithUser(member, user),
      guild_id: guild.guild.id,
    });
  }

  removeMember(guild: GuildRecord, userId: string): void {
    if (guild.botIds.has(userId)) {
      this.removeBotFromGuild(guild, userId);
      return;
    }
    if (!guild.members.delete(userId)) return;
    this.dispatcher.toGuild(guild.guild.id, 'GUILD_MEMBER_REMOVE', {
      guild_id: guild.guild.id,
      user: this.store.users.get(userId),
    });
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
