/** Builders of Discord-shaped objects with every field Discord sends, defaults filled in. */
import {
  type APIGuildMember,
  type APIMessage,
  type APIRole,
  type APIUser,
  ChannelType,
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  GuildMFALevel,
  GuildNSFWLevel,
  GuildPremiumTier,
  GuildVerificationLevel,
  Locale,
  MessageType,
} from 'discord-api-types/v10';
import type { ChannelRecord, GuildRecord, MemberRecord } from './records.js';

/** Discord's flag enums have no 0 member; a zero bitfield is still what Discord sends. */
const NO_FLAGS = 0 as never;

/** Every permission a guild's @everyone gets by default on Discord (view, send, read history...). */
export const EVERYONE_PERMISSIONS = '2248473465835073';
/** The bot's managed role: Administrator. */
export const ADMINISTRATOR = '8';

/**
 * Users as `makeUser` makes them (not bots), whose JSON `userJson` fills in from a template. They are
 * frozen: a user is replaced, never edited, so their JSON cannot drift from the template.
 */
const TEMPLATED_USERS = new WeakSet<APIUser>();

export function makeUser(id: string, username: string, bot = false): APIUser {
  const user = Object.freeze(userObject(id, username, bot)) as APIUser;
  if (!bot) TEMPLATED_USERS.add(user);
  return user;
}

function userObject(id: string, username: string, bot: boolean): APIUser {
  return {
    id,
    username,
    discriminator: '0',
    global_name: bot ? null : username,
    avatar: null,
    ...(bot ? { bot: true } : {}),
    public_flags: NO_FLAGS,
    flags: NO_FLAGS,
    banner: null,
    accent_color: null,
    avatar_decoration_data: null,
    collectibles: null,
    primary_guild: null,
  };
}

/**
 * Values every record of a kind starts with, shared rather than allocated per record: a world of
 * 100,000 guilds holds millions of roles and members. Frozen, since edits replace them, never mutate.
 */
const DEFAULT_ROLE_COLORS: APIRole['colors'] = Object.freeze({
  primary_color: 0,
  secondary_color: null,
  tertiary_color: null,
});
const NO_ROLES = Object.freeze([]) as unknown as string[];

export function makeRole(
  id: string,
  name: string,
  position: number,
  permissions: string,
  extra: Partial<APIRole> = {},
): APIRole {
  return {
    id,
    name,
    color: 0,
    colors: DEFAULT_ROLE_COLORS,
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position,
    permissions,
    managed: false,
    mentionable: false,
    flags: NO_FLAGS,
    ...extra,
  };
}

export function makeTextChannel(
  id: string,
  guildId: string,
  name: string,
  position: number,
  type: ChannelType.GuildText | ChannelType.GuildVoice | ChannelType.GuildCategory = ChannelType.GuildText,
): ChannelRecord {
  return {
    id,
    type: type as ChannelType.GuildText,
    guild_id: guildId,
    name,
    position,
    permission_overwrites: [],
    topic: null,
    nsfw: false,
    last_message_id: null,
    rate_limit_per_user: 0,
    parent_id: null,
    last_pin_timestamp: null,
    flags: NO_FLAGS,
  };
}

export function makeMember(userId: string, joinedAt: string, roles: string[] = NO_ROLES): MemberRecord {
  return { userId, roles, joinedAt };
}

/** Discord's member object (without `user`) from a packed record. */
export function memberJson(record: MemberRecord): Omit<APIGuildMember, 'user'> {
  const member = {
    nick: null,
    avatar: null,
    banner: null,
    roles: record.roles,
    joined_at: record.joinedAt,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: NO_FLAGS,
    pending: false,
    communication_disabled_until: null,
  };
  return record.changed ? Object.assign(member, record.changed) : member;
}

/** A value standing for a gap in a `jsonTemplate` sample. */
export const JSON_GAP = '\u0001';

/**
 * The JSON text of `sample` cut at each `JSON_GAP` value: a template whose gaps `fillJson` fills
 * with JSON texts, in the order they appear. Cut from the object a builder makes, so the text and
 * the object builders cannot drift apart.
 */
export function jsonTemplate(sample: unknown): string[] {
  return JSON.stringify(sample).split('"\\u0001"');
}

/** A `jsonTemplate` with its gaps filled, in order, by `values` (JSON texts). */
export function fillJson(template: readonly string[], ...values: string[]): string {
  let text = template[0]!;
  for (let i = 0; i < values.length; i++) text += values[i]! + template[i + 1]!;
  return text;
}

/** A user's JSON with gaps for `id`, `username` and `global_name`. */
const USER_TEMPLATE = jsonTemplate(userObject(JSON_GAP, JSON_GAP, false));

/** `JSON.stringify(user)`; filled in from a template for users `makeUser` made (nearly all). */
export function userJson(user: APIUser): string {
  if (!TEMPLATED_USERS.has(user)) return JSON.stringify(user);
  const name = JSON.stringify(user.username);
  return fillJson(USER_TEMPLATE, JSON.stringify(user.id), name, name);
}

/** `memberJson` of a record with no changed fields, cut around `roles` and `joined_at`, open at the end. */
const MEMBER_OPEN_TEMPLATE = jsonTemplate(
  memberJson({ userId: '', roles: JSON_GAP as unknown as string[], joinedAt: JSON_GAP }),
).map((part, i, parts) => (i === parts.length - 1 ? part.slice(0, -1) : part));

/**
 * `memberJson(record)` as JSON text without its closing brace, so `,"user":...}` can follow; made
 * from a template for a record with no changed fields (nearly all of them).
 */
export function memberJsonOpen(record: MemberRecord): string {
  if (record.changed) return JSON.stringify(memberJson(record)).slice(0, -1);
  return fillJson(
    MEMBER_OPEN_TEMPLATE,
    record.roles.length === 0 ? '[]' : JSON.stringify(record.roles),
    JSON.stringify(record.joinedAt),
  );
}

export function memberWithUser(record: MemberRecord, user: APIUser): APIGuildMember {
  const member = memberJson(record) as APIGuildMember;
  member.user = user;
  return member;
}

export function makeGuild(id: string, name: string, ownerId: string, shardKey: number): GuildRecord {
  return {
    guild: {
      id,
      name,
      icon: null,
      icon_hash: null,
      splash: null,
      discovery_splash: null,
      owner_id: ownerId,
      afk_channel_id: null,
      afk_timeout: 300,
      widget_enabled: false,
      widget_channel_id: null,
      verification_level: GuildVerificationLevel.None,
      default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
      explicit_content_filter: GuildExplicitContentFilter.Disabled,
      features: [],
      mfa_level: GuildMFALevel.None,
      application_id: null,
      system_channel_id: null,
      system_channel_flags: NO_FLAGS,
      rules_channel_id: null,
      max_presences: null,
      max_members: 500_000,
      vanity_url_code: null,
      description: null,
      banner: null,
      premium_tier: GuildPremiumTier.None,
      premium_subscription_count: 0,
      preferred_locale: Locale.EnglishUS,
      public_updates_channel_id: null,
      max_video_channel_users: 25,
      max_stage_video_channel_users: 50,
      nsfw_level: GuildNSFWLevel.Default,
      premium_progress_bar_enabled: false,
      hub_type: null,
      safety_alerts_channel_id: null,
      incidents_data: null,
    },
    shardKey,
    roles: new Map(),
    members: new Map(),
    channelIds: new Set(),
    botIds: new Set(),
    joinedAt: new Map(),
  };
}

export function makeMessage(fields: {
  id: string;
  channelId: string;
  author: APIUser;
  content: string;
  timestamp: string;
}): APIMessage {
  return {
    id: fields.id,
    channel_id: fields.channelId,
    author: fields.author,
    content: fields.content,
    timestamp: fields.timestamp,
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: [],
    pinned: false,
    type: MessageType.Default,
    flags: NO_FLAGS,
    components: [],
  };
}
