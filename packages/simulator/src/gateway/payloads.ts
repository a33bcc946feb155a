/** READY and GUILD_CREATE built from the store, in Discord's full shape. */
import {
  type APIGuildMember,
  ApplicationFlags,
  type GatewayGuildCreateDispatchData,
  GatewayIntentBits,
  type GatewayReadyDispatchData,
} from 'discord-api-types/v10';
import { memberWithUser } from '../state/factories.js';
import type { BotRecord, GuildRecord } from '../state/records.js';
import type { Store } from '../state/store.js';
import { isActiveThread } from '../world/threads.js';

/** The application flags that say which privileged intents are enabled. */
export function applicationFlags(bot: BotRecord): number {
  let flags = 0;
  if (bot.privilegedIntents & GatewayIntentBits.GuildPresences) flags |= ApplicationFlags.GatewayPresence;
  if (bot.privilegedIntents & GatewayIntentBits.GuildMembers) flags |= ApplicationFlags.GatewayGuildMembers;
  if (bot.privilegedIntents & GatewayIntentBits.MessageContent)
    flags |= ApplicationFlags.GatewayMessageContent;
  return flags;
}

export function buildReady(
  store: Store,
  bot: BotRecord,
  sessionId: string,
  resumeGatewayUrl: string,
  shard: readonly [number, number],
): GatewayReadyDispatchData & Record<string, unknown> {
  const guilds = store.shards.guildsOnShard(bot.user.id, shard[0], shard[1]);
  return {
    v: 10,
    user: { ...bot.user, verified: true, mfa_enabled: false, email: null },
    guilds: [...guilds].map((id) => ({ id, unavailable: true })),
    session_id: sessionId,
    session_type: 'normal',
    resume_gateway_url: resumeGatewayUrl,
    shard: [shard[0], shard[1]],
    application: {
      id: bot.applicationId,
      flags: applicationFlags(bot),
    } as GatewayReadyDispatchData['application'],
    private_channels: [],
    relationships: [],
    presences: [],
    guild_join_requests: [],
    user_settings: {},
    geo_ordered_rtc_regions: ['local'],
    _trace: ['["shardwire-simulator",{"micros":0}]'],
  };
}

export function membersOf(store: Store, guild: GuildRecord): APIGuildMember[] {
  const out: APIGuildMember[] = [];
  for (const record of guild.members.values()) {
    const user = store.users.get(record.userId);
    if (user) out.push(memberWithUser(record, user));
  }
  return out;
}

/** The guild without the gateway-only fields (the REST shape). */
export function guildObject(guild: GuildRecord) {
  return {
    ...guild.guild,
    roles: [...guild.roles.values()],
    emojis: [...(guild.emojis?.values() ?? [])],
    stickers: [],
  };
}

/**
 * GUILD_CREATE for one bot. Discord sends every member only with GUILD_PRESENCES and while the
 * guild is not `large` (more members than the session's `large_threshold`); otherwise the bot's own.
 */
export function buildGuildCreate(
  store: Store,
  guild: GuildRecord,
  botId: string,
  options: { intents: number; largeThreshold: number },
): GatewayGuildCreateDispatchData {
  const memberCount = guild.members.size;
  const large = memberCount > options.largeThreshold;
  const everyone = !large && (options.intents & GatewayIntentBits.GuildPresences) !== 0;
  let members: APIGuildMember[];
  if (everyone) members = membersOf(store, guild);
  else {
    const self = guild.members.get(botId);
    const user = store.users.get(botId);
    members = self && user ? [memberWithUser(self, user)] : [];
  }
  return {
    ...guildObject(guild),
    joined_at: guild.joinedAt.get(botId) ?? new Date(0).toISOString(),
    large,
    unavailable: false,
    member_count: memberCount,
    voice_states: [],
    members,
    channels: store.channelsOf(guild),
    // Only active threads: archived ones are not synced up front, as on Discord.
    threads: store
      .threadsOf(guild)
      .filter(isActiveThread) as unknown as GatewayGuildCreateDispatchData['threads'],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  } as GatewayGuildCreateDispatchData;
}
