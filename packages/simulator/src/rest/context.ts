/** What REST routes share: the world, the public URLs, and lookups that answer Discord's 404/403 errors. */
import type { FastifyRequest } from 'fastify';
import type { BotRecord, ChannelRecord, GuildRecord, MessageRecord } from '../state/records.js';
import { isDm } from '../world/dms.js';
import type { World } from '../world/world.js';
import { Errors, RateLimitedError } from './errors.js';
import type { RateLimiter } from './rateLimit/rateLimiter.js';
import type { SharedLimit } from './rateLimit/routeLimits.js';

export interface RestContext {
  world: World;
  /** `http://host:port`, for attachment URLs. */
  baseUrl(): string;
  /** `ws://host:port`, for `GET /gateway`. */
  gatewayUrl(): string;
  /** Present when rate limits are on: routes check per-resource `shared` limits with it. */
  limits?: RateLimiter | undefined;
}

/** Takes one from a per-resource limit every caller shares; a 429 with scope `shared` when it is spent. */
export function takeShared(ctx: RestContext, limit: SharedLimit, resource: string): void {
  const limited = ctx.limits?.checkShared(limit, resource);
  if (limited) throw new RateLimitedError(limited.headers, limited.body);
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The bot whose token authenticated this request (API routes only). */
    bot: BotRecord | undefined;
  }
}

export function botOf(request: FastifyRequest): BotRecord {
  if (!request.bot) throw Errors.unauthorized();
  return request.bot;
}

/** The channel, if it exists (10003) and the bot is in its guild (50001). */
export function channelFor(world: World, bot: BotRecord, channelId: string): ChannelRecord {
  const channel = world.store.channels.get(channelId);
  if (!channel) throw Errors.unknownChannel();
  if (isDm(channel)) {
    if (channel.dmBotId !== bot.user.id) throw Errors.missingAccess();
    return channel;
  }
  if (!world.store.guilds.get(channel.guild_id)?.botIds.has(bot.user.id)) throw Errors.missingAccess();
  return channel;
}

/** The guild, if it exists and the bot is in it (both 10004 otherwise, as Discord hides guilds a bot is not in). */
export function guildFor(world: World, bot: BotRecord, guildId: string): GuildRecord {
  const guild = world.store.guilds.get(guildId);
  if (!guild?.botIds.has(bot.user.id)) throw Errors.unknownGuild();
  return guild;
}

export function messageIn(world: World, channel: ChannelRecord, messageId: string): MessageRecord {
  const record = world.store.messages(channel.id)?.get(messageId);
  if (!record) throw Errors.unknownMessage();
  return record;
}

export type Params<K extends string> = { [P in K]: string };
