/** The control API under /_sim: bots, guilds, members, messages as users, stats. */
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { guildObject, membersOf } from '../gateway/payloads.js';
import type { SessionRegistry } from '../gateway/sessionRegistry.js';
import type { SessionStartLimits } from '../gateway/sessionStartLimit.js';
import { Errors, fieldError, parseBody } from '../rest/errors.js';
import { intParam, snowflakeParam } from '../rest/query.js';
import { memberWithUser } from '../state/factories.js';
import type { BotRecord, GuildRecord } from '../state/records.js';
import type { ShardCounters, SimStats } from '../stats.js';
import { isDm } from '../world/dms.js';
import { verifyEndpoint } from '../world/interactionFlow.js';
import type { LoadGenerator } from '../world/loadGenerator.js';
import { createMessage } from '../world/messages.js';
import type { World } from '../world/world.js';
import { faultRoutes } from './faults.js';
import { interactionControlRoutes } from './interactions.js';
import { loadRoutes } from './load.js';
import { type RestControl, restControlRoutes, restStatsJson } from './restControl.js';
import {
  botLimitsSchema,
  newBotSchema,
  newGuildSchema,
  newMemberSchema,
  simMessageSchema,
} from './schemas.js';

export interface ControlOptions {
  world: World;
  sessions: SessionRegistry;
  stats: SimStats;
  baseUrl(): string;
  rest: RestControl;
  startLimits: SessionStartLimits;
  load: LoadGenerator;
}

export function botJson(bot: BotRecord) {
  return { id: bot.user.id, applicationId: bot.applicationId, username: bot.user.username, token: bot.token };
}

export function guildJson(world: World, guild: GuildRecord) {
  return {
    ...guildObject(guild),
    channels: world.store.channelsOf(guild),
    members: membersOf(world.store, guild),
    member_count: guild.members.size,
    bots: [...guild.botIds],
  };
}

type Id<K extends string> = { Params: { [P in K]: string } };

export function controlRoutes(app: FastifyInstance, options: ControlOptions): void {
  const { world, stats, sessions } = options;
  faultRoutes(app, options);
  const { store } = world;
  const guildOr404 = (id: string) => {
    const guild = store.guilds.get(id);
    if (!guild) throw Errors.unknownGuild();
    return guild;
  };

  restControlRoutes(app, options.rest);
  loadRoutes(app, options.load);
  interactionControlRoutes(app, world, options.baseUrl);
  const setBotLimits = async (botId: string, body: z.output<typeof botLimitsSchema>) => {
    if (body.interactionsUrl === null) world.interactions.urls.delete(botId);
    else if (body.interactionsUrl !== undefined) {
      const failed = await verifyEndpoint(world, body.interactionsUrl, store.bots.get(botId)!);
      if (failed)
        throw Errors.invalidFormBody(
          fieldError(
            ['interactionsUrl'],
            'APPLICATION_INTERACTIONS_ENDPOINT_URL_INVALID',
            `The specified interactions endpoint url could not be verified: ${failed}`,
          ),
        );
      world.interactions.urls.set(botId, body.interactionsUrl);
    }
    if (body.globalRateLimit !== undefined) options.rest.limiter.setGlobalLimit(botId, body.globalRateLimit);
    options.startLimits.configure(botId, {
      ...(body.maxConcurrency !== undefined ? { maxConcurrency: body.maxConcurrency } : {}),
      ...(body.sessionStartLimit !== undefined ? { total: body.sessionStartLimit } : {}),
    });
  };
  const botLimits = (botId: string) => ({
    globalRateLimit: options.rest.limiter.globalLimitOf(botId),
    sessionStartLimit: options.startLimits.describe(botId),
  });

  app.get('/_sim/bots', async () => [...store.bots.values()].map(botJson));

  app.post('/_sim/bots', async (request, reply) => {
    const body = parseBody(newBotSchema, request.body);
    const bot = world.createBot({
      ...(body.username !== undefined ? { username: body.username } : {}),
      ...(body.privilegedIntents !== undefined ? { privilegedIntents: body.privilegedIntents } : {}),
    });
    await setBotLimits(bot.user.id, body);
    return reply.code(201).send(botJson(bot));
  });

  /** The app's OAuth2 client credentials (the simulator's stand-in for the developer portal). */
  app.get<Id<'bot_id'>>('/_sim/bots/:bot_id/oauth2', async (request) => {
    const bot = store.bots.get(request.params.bot_id);
    if (!bot) throw Errors.unknownUser();
    return { clientId: bot.applicationId, clientSecret: world.oauth2.secretOf(bot.applicationId) };
  });

  /** Limits of an existing bot (the default one included): global rate limit, max_concurrency, session starts. */
  app.patch<Id<'bot_id'>>('/_sim/bots/:bot_id', async (request) => {
    const bot = store.bots.get(request.params.bot_id);
    if (!bot) throw Errors.unknownUser();
    await setBotLimits(bot.user.id, parseBody(botLimitsSchema, request.body));
    return { ...botJson(bot), limits: botLimits(bot.user.id) };
  });

  app.post('/_sim/guilds', async (request, reply) => {
    const body = parseBody(newGuildSchema, request.body);
    const unknownBot = body.bots?.findIndex((id) => !store.bots.has(id)) ?? -1;
    if (unknownBot !== -1)
      throw Errors.invalidFormBody(fieldError(['bots', unknownBot], 'UNKNOWN_BOT', 'No bot with this id.'));
    const guild = world.createGuild(body);
    return reply.code(201).send(guildJson(world, guild));
  });

  app.get<{ Querystring: Record<string, string | undefined> }>('/_sim/guilds', async (request) => {
    const limit = intParam(request.query.limit, 'limit', 1, 1000, 100);
    const after = snowflakeParam(request.query.after, 'after');
    return store.pageGuilds(after, limit).map((guild) => guildJson(world, guild));
  });

  app.get<Id<'guild_id'>>('/_sim/guilds/:guild_id', async (request) =>
    guildJson(world, guildOr404(request.params.guild_id)),
  );

  app.delete<Id<'guild_id'>>('/_sim/guilds/:guild_id', async (request, reply) => {
    world.deleteGuild(guildOr404(request.params.guild_id));
    return reply.code(204).send();
  });

  app.put<Id<'guild_id' | 'bot_id'>>('/_sim/guilds/:guild_id/bots/:bot_id', async (request, reply) => {
    const guild = guildOr404(request.params.guild_id);
    if (!store.bots.has(request.params.bot_id)) throw Errors.unknownUser();
    world.addBotToGuild(guild, request.params.bot_id);
    return reply.code(204).send();
  });

  app.delete<Id<'guild_id' | 'bot_id'>>('/_sim/guilds/:guild_id/bots/:bot_id', async (request, reply) => {
    const guild = guildOr404(request.params.guild_id);
    if (!guild.botIds.has(request.params.bot_id)) throw Errors.unknownMember();
    world.removeBotFromGuild(guild, request.params.bot_id);
    return reply.code(204).send();
  });

  app.post<Id<'guild_id'>>('/_sim/guilds/:guild_id/members', async (request, reply) => {
    const guild = guildOr404(request.params.guild_id);
    const body = parseBody(newMemberSchema, request.body);
    const user = world.addMember(guild, body.username);
    return reply.code(201).send(memberWithUser(guild.members.get(user.id)!, user));
  });

  app.post<Id<'channel_id'>>('/_sim/channels/:channel_id/messages', async (request, reply) => {
    const channel = store.channels.get(request.params.channel_id);
    if (!channel) throw Errors.unknownChannel();
    const body = parseBody(simMessageSchema, request.body);
    if (isDm(channel)) {
      // In a DM the user writes to the bot.
      const record = createMessage(
        world,
        channel,
        channel.recipients[0]!,
        { content: body.content, ...(body.embeds ? { embeds: body.embeds } : {}) },
        options.baseUrl(),
      );
      return reply.code(201).send(record.message);
    }
    const guild = guildOr404(channel.guild_id);
    const authorId = body.author_id ?? [...guild.members.keys()].find((id) => !store.users.get(id)?.bot);
    const author = authorId === undefined ? undefined : store.users.get(authorId);
    if (!author || !guild.members.has(author.id))
      throw Errors.invalidFormBody(
        fieldError(['author_id'], 'UNKNOWN_MEMBER', 'The author must be a member of the guild.'),
      );
    const record = createMessage(
      world,
      channel,
      author,
      { content: body.content, ...(body.embeds ? { embeds: body.embeds } : {}) },
      options.baseUrl(),
    );
    return reply.code(201).send(record.message);
  });

  app.get<Id<'channel_id'>>('/_sim/channels/:channel_id/messages', async (request) => {
    const log = store.messages(request.params.channel_id);
    if (!log) throw Errors.unknownChannel();
    return log.all().map((record) => record.message);
  });

  app.get('/_sim/stats', async () => ({
    ready: true,
    bots: store.bots.size,
    guilds: store.guilds.size,
    channels: store.channels.size,
    users: store.users.size,
    connections: stats.connections,
    compression: Object.fromEntries(stats.compression),
    identifies: stats.identifies,
    resumes: stats.resumes,
    refusedIdentifies: Object.fromEntries(stats.refusedIdentifies),
    shards: [...sessions.all()].map((session) => ({
      bot: session.bot.user.id,
      shard: session.shard,
      session: session.id,
      state: session.state,
      seq: session.seq,
      dispatched: session.delivered,
      pending: session.pending,
    })),
    perShard: perShardJson(stats, sessions),
    load: options.load.status(),
    rest: stats.restJson(),
    rateLimits: restStatsJson(stats, options.rest),
  }));

  // Attachment files, at the URLs messages carry.
  app.get<Id<'channel_id' | 'attachment_id' | 'filename'>>(
    '/attachments/:channel_id/:attachment_id/:filename',
    async (request, reply) => {
      for (const record of store.messages(request.params.channel_id)?.all() ?? []) {
        const found = record.attachments.get(request.params.attachment_id);
        if (found) return reply.type(found.file.contentType).send(found.file.data);
      }
      throw Errors.notFound();
    },
  );
}

/**
 * One row per shard (bot, shard id, shard count), over all its sessions: load events generated for
 * it, dispatches sent, pending (waiting for a RESUME) and dropped (their session ended first), the
 * last seq of its live sessions, IDENTIFYs, RESUMEs.
 */
function perShardJson(stats: SimStats, sessions: SessionRegistry) {
  const rows = new Map<ShardCounters, ShardCounters & { pending: number; seq: number; sessions: number }>();
  for (const counters of stats.shards.values())
    rows.set(counters, { ...counters, pending: 0, seq: 0, sessions: 0 });
  for (const session of sessions.all()) {
    const row = rows.get(session.counters);
    if (!row) continue;
    row.pending += session.pending;
    row.seq = Math.max(row.seq, session.seq);
    row.sessions++;
  }
  return [...rows.values()];
}
