/** Users and applications: `/users/@me`, `/users/:id`, `/users/@me/guilds`, `/applications/@me`. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { applicationFlags } from '../../gateway/payloads.js';
import { memberWithUser } from '../../state/factories.js';
import { compareIds } from '../../state/ids.js';
import type { BotRecord } from '../../state/records.js';
import { dmJson, openDm } from '../../world/dms.js';
import { botOf, guildFor, type Params, type RestContext } from '../context.js';
import { DiscordHttpError, Errors, parseBody } from '../errors.js';
import { intParam, snowflakeParam } from '../query.js';

export function applicationOf(bot: BotRecord, verifyKey: string, interactionsUrl: string | null = null) {
  return {
    id: bot.applicationId,
    name: bot.user.username,
    icon: null,
    description: '',
    summary: '',
    type: null,
    bot_public: true,
    bot_require_code_grant: false,
    verify_key: verifyKey,
    flags: applicationFlags(bot),
    team: null,
    owner: { id: bot.user.id, username: bot.user.username, discriminator: '0', avatar: null, flags: 0 },
    bot: bot.user,
    approximate_guild_count: 0,
    redirect_uris: [],
    interactions_endpoint_url: interactionsUrl,
    install_params: { scopes: ['bot', 'applications.commands'], permissions: '8' },
    tags: [],
    integration_types_config: { '0': {} },
    rpc_origins: [],
  };
}

export function userRoutes(app: FastifyInstance, ctx: RestContext): void {
  const { store } = ctx.world;

  app.get('/users/@me', { config: { bearer: true } }, async (request) => {
    const grant = request.bot ? undefined : request.bearer;
    if (!grant) return { ...botOf(request).user, verified: true, mfa_enabled: false };
    if (!grant.scopes.includes('identify') && !grant.scopes.includes('email')) throw Errors.unauthorized();
    const user = store.users.get(grant.userId);
    if (!user) throw Errors.unknownUser();
    return {
      ...user,
      mfa_enabled: false,
      locale: 'en-US',
      ...(grant.scopes.includes('email')
        ? { email: `${user.username}@users.simulator.invalid`, verified: true }
        : {}),
    };
  });

  app.patch('/users/@me', async (request) => botOf(request).user);

  app.get<{ Params: Params<'user_id'> }>('/users/:user_id', async (request) => {
    botOf(request);
    const user = store.users.get(request.params.user_id);
    if (!user) throw Errors.unknownUser();
    return user;
  });

  app.get<{ Querystring: { limit?: string; after?: string; before?: string } }>(
    '/users/@me/guilds',
    { config: { bearer: true } },
    async (request) => {
      const grant = request.bot ? undefined : request.bearer;
      if (grant && !grant.scopes.includes('guilds')) throw Errors.unauthorized();
      const limit = intParam(request.query.limit, 'limit', 1, 200, 200);
      const after = snowflakeParam(request.query.after, 'after');
      const before = snowflakeParam(request.query.before, 'before');
      // A user's guilds are found by scanning (the store indexes guilds by bot, not by user).
      const ids = grant
        ? [...store.guilds.values()]
            .filter((g) => g.members.has(grant.userId))
            .map((g) => g.guild.id)
            .sort(compareIds)
        : [...store.guildIdsOfBot(botOf(request).user.id)].sort(compareIds);
      const page = ids
        .filter(
          (id) =>
            (after === undefined || compareIds(id, after) > 0) &&
            (before === undefined || compareIds(id, before) < 0),
        )
        .slice(0, limit);
      return page.map((id) => {
        const { guild } = store.guilds.get(id)!;
        return {
          id,
          name: guild.name,
          icon: guild.icon,
          banner: guild.banner,
          owner: grant ? guild.owner_id === grant.userId : false,
          permissions: '8',
          features: guild.features,
        };
      });
    },
  );

  /** A DM channel with a user (the same one for the same user). */
  app.post('/users/@me/channels', async (request) => {
    const bot = botOf(request);
    const { recipient_id } = parseBody(
      z.object({ recipient_id: z.string().regex(/^\d{1,20}$/) }),
      request.body,
    );
    const user = store.users.get(recipient_id);
    if (!user) throw Errors.unknownUser();
    if (user.bot) throw new DiscordHttpError(400, 50007, 'Cannot send messages to this user');
    return dmJson(openDm(ctx.world, bot.user.id, user));
  });

  app.get<{ Params: Params<'guild_id'> }>('/users/@me/guilds/:guild_id/member', async (request) => {
    const bot = botOf(request);
    const guild = guildFor(ctx.world, bot, request.params.guild_id);
    return memberWithUser(guild.members.get(bot.user.id)!, bot.user);
  });

  app.delete<{ Params: Params<'guild_id'> }>('/users/@me/guilds/:guild_id', async (request, reply) => {
    const bot = botOf(request);
    const guild = guildFor(ctx.world, bot, request.params.guild_id);
    ctx.world.removeBotFromGuild(guild, bot.user.id);
    return reply.code(204).send();
  });

  const application = async (request: Parameters<typeof botOf>[0]) => {
    const bot = botOf(request);
    const { interactions } = ctx.world;
    return applicationOf(
      bot,
      interactions.keysOf(bot.user.id).publicKeyHex,
      interactions.urls.get(bot.user.id) ?? null,
    );
  };
  app.get('/applications/@me', application);
  app.get('/oauth2/applications/@me', application);
}
