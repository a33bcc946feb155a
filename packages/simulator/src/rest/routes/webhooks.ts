/** Channel webhooks managed with the bot token: create, list (channel, guild), get, edit, delete; and with their token. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Webhook } from '../../world/webhooks.js';
import { botOf, channelFor, guildFor, type Params, type RestContext } from '../context.js';
import { DiscordHttpError, parseBody } from '../errors.js';

const NAME = z
  .string()
  .min(1)
  .max(80)
  .refine((name) => !/clyde|discord/i.test(name), 'Webhook names cannot contain "clyde" or "discord"');
const createSchema = z.object({ name: NAME, avatar: z.string().nullable().optional() });
const patchSchema = z.object({ name: NAME.optional(), channel_id: z.string().optional() });
const unknownWebhook = () => new DiscordHttpError(404, 10015, 'Unknown Webhook');
const withoutToken = ({ token: _, ...rest }: Webhook) => rest;

export function webhookRoutes(app: FastifyInstance, ctx: RestContext): void {
  const { world } = ctx;
  const { webhooks } = world;
  const owned = (request: { params: Params<'webhook_id'>; bot: unknown }) => {
    const bot = botOf(request as never);
    const webhook = webhooks.get(request.params.webhook_id);
    if (!webhook || !world.store.guilds.get(webhook.guild_id)?.botIds.has(bot.user.id))
      throw unknownWebhook();
    return webhook;
  };
  const byToken = (params: Params<'webhook_id' | 'webhook_token'>) => {
    const webhook = webhooks.byToken(params.webhook_id, params.webhook_token);
    if (!webhook) throw unknownWebhook();
    return webhook;
  };

  app.post<{ Params: Params<'channel_id'> }>('/channels/:channel_id/webhooks', async (request) => {
    const bot = botOf(request);
    const channel = channelFor(world, bot, request.params.channel_id);
    if (webhooks.ofChannel(channel.id).length >= 15)
      throw new DiscordHttpError(400, 30007, 'Maximum number of webhooks reached (15)');
    const body = parseBody(createSchema, request.body);
    const webhook = webhooks.create(world, channel, body.name, bot.user);
    world.dispatcher.toGuild(channel.guild_id, 'WEBHOOKS_UPDATE', {
      guild_id: channel.guild_id,
      channel_id: channel.id,
    });
    return webhook;
  });

  app.get<{ Params: Params<'channel_id'> }>('/channels/:channel_id/webhooks', async (request) =>
    webhooks.ofChannel(channelFor(world, botOf(request), request.params.channel_id).id),
  );
  app.get<{ Params: Params<'guild_id'> }>('/guilds/:guild_id/webhooks', async (request) =>
    webhooks.ofGuild(guildFor(world, botOf(request), request.params.guild_id).guild.id),
  );

  app.get<{ Params: Params<'webhook_id'> }>('/webhooks/:webhook_id', async (request) => owned(request));
  app.patch<{ Params: Params<'webhook_id'> }>('/webhooks/:webhook_id', async (request) => {
    const webhook = owned(request);
    const body = parseBody(patchSchema, request.body);
    if (body.name !== undefined) webhook.name = body.name;
    if (body.channel_id !== undefined) {
      const channel = channelFor(world, botOf(request), body.channel_id);
      if (channel.guild_id !== webhook.guild_id) throw unknownWebhook();
      webhook.channel_id = channel.id;
    }
    return webhook;
  });
  app.delete<{ Params: Params<'webhook_id'> }>('/webhooks/:webhook_id', async (request, reply) => {
    const webhook = owned(request);
    webhooks.delete(webhook.id);
    world.dispatcher.toGuild(webhook.guild_id, 'WEBHOOKS_UPDATE', {
      guild_id: webhook.guild_id,
      channel_id: webhook.channel_id,
    });
    return reply.code(204).send();
  });

  const open = { config: { auth: false } };
  type TokenParams = { Params: Params<'webhook_id' | 'webhook_token'> };
  app.get<TokenParams>('/webhooks/:webhook_id/:webhook_token', open, async (request) =>
    withoutToken(byToken(request.params)),
  );
  app.patch<TokenParams>('/webhooks/:webhook_id/:webhook_token', open, async (request) => {
    const webhook = byToken(request.params);
    const body = parseBody(patchSchema.omit({ channel_id: true }), request.body);
    if (body.name !== undefined) webhook.name = body.name;
    return withoutToken(webhook);
  });
  app.delete<TokenParams>('/webhooks/:webhook_id/:webhook_token', open, async (request, reply) => {
    const webhook = byToken(request.params);
    webhooks.delete(webhook.id);
    return reply.code(204).send();
  });
}
