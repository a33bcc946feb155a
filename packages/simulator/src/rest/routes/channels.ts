/** Channels: get, modify, delete; guild channel list and create. */
import { ChannelType } from 'discord-api-types/v10';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { dmJson, isDm } from '../../world/dms.js';
import { botOf, channelFor, guildFor, type Params, type RestContext, takeShared } from '../context.js';
import { parseBody } from '../errors.js';
import { SHARED_LIMITS } from '../rateLimit/routeLimits.js';
import { patchThread } from './threads.js';

const channelPatch = z.object({
  name: z.string().min(1).max(100).optional(),
  topic: z.string().max(1024).nullable().optional(),
  nsfw: z.boolean().nullable().optional(),
  position: z.number().int().nullable().optional(),
  rate_limit_per_user: z.number().int().min(0).max(21600).nullable().optional(),
  parent_id: z.string().nullable().optional(),
});
const channelCreate = channelPatch.extend({
  name: z.string().min(1).max(100),
  type: z
    .union([
      z.literal(ChannelType.GuildText),
      z.literal(ChannelType.GuildVoice),
      z.literal(ChannelType.GuildCategory),
    ])
    .optional(),
});

/** Drops nulls that mean "reset" to the simulator's defaults. */
function patchOf(body: z.output<typeof channelPatch>) {
  return {
    ...(body.name !== undefined ? { name: body.name } : {}),
    ...(body.topic !== undefined ? { topic: body.topic } : {}),
    ...(body.nsfw != null ? { nsfw: body.nsfw } : {}),
    ...(body.position != null ? { position: body.position } : {}),
    ...(body.rate_limit_per_user != null ? { rate_limit_per_user: body.rate_limit_per_user } : {}),
    ...(body.parent_id !== undefined ? { parent_id: body.parent_id } : {}),
  };
}

const overwriteSchema = z.object({
  type: z.union([z.literal(0), z.literal(1)]),
  allow: z.string().regex(/^\d+$/).nullable().optional(),
  deny: z.string().regex(/^\d+$/).nullable().optional(),
});

export function channelRoutes(app: FastifyInstance, ctx: RestContext): void {
  const { world } = ctx;

  /** Permission overwrites for a role (type 0) or member (type 1): CHANNEL_UPDATE. */
  app.put<{ Params: Params<'channel_id' | 'overwrite_id'> }>(
    '/channels/:channel_id/permissions/:overwrite_id',
    async (request, reply) => {
      const channel = channelFor(world, botOf(request), request.params.channel_id);
      const body = parseBody(overwriteSchema, request.body);
      const overwrite = {
        id: request.params.overwrite_id,
        type: body.type,
        allow: body.allow ?? '0',
        deny: body.deny ?? '0',
      };
      const others = (channel.permission_overwrites ?? []).filter((o) => o.id !== overwrite.id);
      world.updateChannel(channel, { permission_overwrites: [...others, overwrite] });
      return reply.code(204).send();
    },
  );

  app.delete<{ Params: Params<'channel_id' | 'overwrite_id'> }>(
    '/channels/:channel_id/permissions/:overwrite_id',
    async (request, reply) => {
      const channel = channelFor(world, botOf(request), request.params.channel_id);
      const overwrites = channel.permission_overwrites ?? [];
      if (overwrites.some((o) => o.id === request.params.overwrite_id))
        world.updateChannel(channel, {
          permission_overwrites: overwrites.filter((o) => o.id !== request.params.overwrite_id),
        });
      return reply.code(204).send();
    },
  );

  app.get<{ Params: Params<'channel_id'> }>('/channels/:channel_id', async (request) => {
    const channel = channelFor(world, botOf(request), request.params.channel_id);
    return isDm(channel) ? dmJson(channel) : channel;
  });

  app.patch<{ Params: Params<'channel_id'> }>('/channels/:channel_id', async (request) => {
    const channel = channelFor(world, botOf(request), request.params.channel_id);
    if (world.store.isThread(channel)) return patchThread(ctx, channel, request.body);
    const patch = patchOf(parseBody(channelPatch, request.body));
    const renames =
      (patch.name !== undefined && patch.name !== channel.name) ||
      (patch.topic !== undefined && patch.topic !== (channel.topic ?? null));
    if (renames) takeShared(ctx, SHARED_LIMITS.channelRename, channel.id);
    return world.updateChannel(channel, patch);
  });

  app.delete<{ Params: Params<'channel_id'> }>('/channels/:channel_id', async (request) => {
    const channel = channelFor(world, botOf(request), request.params.channel_id);
    world.deleteChannel(channel);
    return channel;
  });

  app.get<{ Params: Params<'guild_id'> }>('/guilds/:guild_id/channels', async (request) => {
    const guild = guildFor(world, botOf(request), request.params.guild_id);
    return world.store.channelsOf(guild);
  });

  app.post<{ Params: Params<'guild_id'> }>('/guilds/:guild_id/channels', async (request, reply) => {
    const guild = guildFor(world, botOf(request), request.params.guild_id);
    const body = parseBody(channelCreate, request.body);
    const channel = world.createChannel(guild, {
      ...patchOf(body),
      ...(body.type !== undefined ? { type: body.type } : {}),
    });
    return reply.code(201).send(channel);
  });
}
