/** Discord-shaped dispatch payloads for tests and benchmarks, typed with discord-api-types. */
import { SnowflakeGenerator } from '@shardwire/core';
import {
  type APIChannel,
  type APIGuildMember,
  type APIRole,
  type APIThreadChannel,
  type APIUser,
  ChannelType,
  type GatewayGuildCreateDispatchData,
  type GatewayVoiceState,
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  GuildMFALevel,
  GuildNSFWLevel,
  GuildPremiumTier,
  GuildSystemChannelFlags,
  GuildVerificationLevel,
  OverwriteType,
} from 'discord-api-types/v10';

let clock = Date.UTC(2024, 0, 1);
const ids = new SnowflakeGenerator(1n, 0n, () => clock++);

export function snowflake(): string {
  return ids.next();
}

export function user(overrides: Partial<APIUser> = {}): APIUser {
  const id = overrides.id ?? snowflake();
  return {
    id,
    username: `user_${id.slice(-6)}`,
    discriminator: '0',
    global_name: `User ${id.slice(-4)}`,
    avatar: `a_${id.padStart(32, '0').slice(-32)}`,
    public_flags: 64,
    ...overrides,
  };
}

export function member(overrides: Partial<APIGuildMember> = {}): APIGuildMember {
  return {
    user: user(),
    roles: [],
    joined_at: '2023-05-04T12:34:56.789000+00:00',
    deaf: false,
    mute: false,
    flags: 0 as never,
    premium_since: null,
    pending: false,
    ...overrides,
  };
}

export function role(overrides: Partial<APIRole> = {}): APIRole {
  const id = overrides.id ?? snowflake();
  return {
    id,
    name: `role ${id.slice(-4)}`,
    color: 0x3498db,
    colors: { primary_color: 0x3498db, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position: 1,
    permissions: '1024',
    managed: false,
    mentionable: true,
    flags: 0 as never,
    ...overrides,
  };
}

export function textChannel(guildId: string, overrides: Partial<APIChannel> = {}): APIChannel {
  const id = overrides.id ?? snowflake();
  return {
    id,
    type: ChannelType.GuildText,
    guild_id: guildId,
    name: `channel-${id.slice(-4)}`,
    position: 0,
    permission_overwrites: [],
    topic: null,
    nsfw: false,
    last_message_id: null,
    rate_limit_per_user: 0,
    parent_id: null,
    flags: 0,
    ...overrides,
  } as APIChannel;
}

export function thread(
  guildId: string,
  parentId: string,
  overrides: Partial<APIThreadChannel> = {},
): APIThreadChannel {
  const id = overrides.id ?? snowflake();
  return {
    id,
    type: ChannelType.PublicThread,
    guild_id: guildId,
    parent_id: parentId,
    owner_id: snowflake(),
    name: `thread-${id.slice(-4)}`,
    last_message_id: null,
    rate_limit_per_user: 0,
    message_count: 3,
    member_count: 2,
    total_message_sent: 3,
    flags: 0,
    thread_metadata: {
      archived: false,
      auto_archive_duration: 1440,
      archive_timestamp: '2024-01-01T00:00:00.000000+00:00',
      locked: false,
    },
    ...overrides,
  } as APIThreadChannel;
}

export function overwrite(id: string, type: 'role' | 'member', allow: bigint, deny: bigint) {
  return {
    id,
    type: type === 'role' ? OverwriteType.Role : OverwriteType.Member,
    allow: allow.toString(),
    deny: deny.toString(),
  };
}

export interface GuildShape {
  id?: string;
  ownerId?: string;
  members?: number;
  channels?: number;
  roles?: number;
  emojis?: number;
  threads?: number;
  voiceStates?: number;
}

/** A full GUILD_CREATE: @everyone plus `roles` roles, members with a few roles each, text channels. */
export function guildCreate(shape: GuildShape = {}): GatewayGuildCreateDispatchData {
  const id = shape.id ?? snowflake();
  const roles: APIRole[] = [role({ id, name: '@everyone', position: 0, permissions: '1071698660929' })];
  for (let i = 0; i < (shape.roles ?? 3); i++) roles.push(role({ position: i + 1 }));
  const members: APIGuildMember[] = [];
  for (let i = 0; i < (shape.members ?? 5); i++) {
    const picked = roles.length > 1 ? [roles[1 + (i % (roles.length - 1))]!.id] : [];
    if (roles.length > 2 && i % 3 === 0) picked.push(roles[1 + ((i + 1) % (roles.length - 1))]!.id);
    members.push(member({ roles: [...new Set(picked)], nick: i % 4 === 0 ? `nick ${i}` : null }));
  }
  const ownerId = shape.ownerId ?? members[0]?.user.id ?? snowflake();
  const channels: APIChannel[] = [];
  for (let i = 0; i < (shape.channels ?? 3); i++) channels.push(textChannel(id, { position: i }));
  const threads: APIThreadChannel[] = [];
  for (let i = 0; i < (shape.threads ?? 0) && channels[0]; i++) threads.push(thread(id, channels[0].id));
  const voice: GatewayVoiceState[] = [];
  for (let i = 0; i < (shape.voiceStates ?? 0) && members[i]; i++) {
    voice.push({
      guild_id: id,
      channel_id: channels[0]!.id,
      user_id: members[i]!.user.id,
      session_id: `session${i}`,
      deaf: false,
      mute: false,
      self_deaf: false,
      self_mute: i % 2 === 0,
      self_video: false,
      suppress: false,
      request_to_speak_timestamp: null,
    });
  }
  const emojis = [];
  for (let i = 0; i < (shape.emojis ?? 2); i++) {
    emojis.push({
      id: snowflake(),
      name: `emoji${i}`,
      roles: [],
      require_colons: true,
      managed: false,
      animated: i % 2 === 1,
      available: true,
    });
  }
  return {
    id,
    name: `Guild ${id.slice(-5)}`,
    icon: '8342729096ea3675442027381ff50dfe',
    splash: null,
    discovery_splash: null,
    owner_id: ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    widget_enabled: false,
    widget_channel_id: null,
    verification_level: GuildVerificationLevel.Low,
    default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
    explicit_content_filter: GuildExplicitContentFilter.AllMembers,
    roles,
    emojis,
    features: ['COMMUNITY', 'NEWS'],
    mfa_level: GuildMFALevel.None,
    application_id: null,
    system_channel_id: channels[0]?.id ?? null,
    system_channel_flags: GuildSystemChannelFlags.SuppressJoinNotifications,
    rules_channel_id: null,
    vanity_url_code: null,
    description: 'A guild for tests',
    banner: null,
    premium_tier: GuildPremiumTier.Tier1,
    premium_subscription_count: 3,
    preferred_locale: 'en-US' as never,
    public_updates_channel_id: null,
    nsfw_level: GuildNSFWLevel.Default,
    premium_progress_bar_enabled: false,
    safety_alerts_channel_id: null,
    hub_type: null,
    incidents_data: null,
    stickers: [],
    joined_at: '2024-02-03T04:05:06.789000+00:00',
    large: (shape.members ?? 5) > 250,
    unavailable: false,
    member_count: members.length,
    members,
    channels,
    threads,
    presences: [],
    voice_states: voice,
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  } as GatewayGuildCreateDispatchData;
}
