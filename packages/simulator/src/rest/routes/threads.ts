/** Threads: start (from a channel or a message), edit (archive, lock), join/leave, members, the guild's active threads. */
import { ChannelType } from 'discord-api-types/v10';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ChannelRecord } from '../../state/records.js';
import {
  createThread,
  isActiveThread,
  setThreadMember,
  threadMembers,
  threadMetadata,
  updateThread,
} from '../../world/threads.js';
import {
  botOf,
  channelFor,
  guildFor,
  messageIn,
  type Params,
  type RestContext,
  takeShared,
} from '../context.js';
import { DiscordHttpError, Errors, fieldError, parseBody } from '../errors.js';
import { SHARED_LIMITS } from '../rateLimit/routeLimits.js';

const archive = z.union([z.literal(60), z.literal(1440), z.literal(4320), z.literal(10080)]);
const startSchema = z.object({
  name: z.string().min(1).max(100),
  auto_archive_duration: archive.optional(),
  type: z.union([z.literal(ChannelType.PublicThread), z.literal(ChannelType.PrivateThread)]).optional(),
  invitable: z.boolean().optional(),
  rate_limit_per_user: z.number().int().min(0).max(21600).nullable().optional(),
});
const threadPatch = z.object({
  name: z.string().min(1).max(100).optional(),
  archived: z.boolean().optional(),
  locked: z.boolean().optional(),
  auto_archive_duration: archive.optional(),
  invitable: z.boolean().optional(),
  rate_limit_per_user: z.number().int().min(0).max(21600).nullable().optional(),
});
const notAThread = () => new DiscordHttpError(400, 50024, 'Cannot execute action on this channel type');

export function threadRoutes(app: FastifyInstance, ctx: RestContext): void {
  const { world } = ctx;
  const threadOf = (request: { params: Params<'channel_id'>; bot: unknown }) => {
    const channel = channelFor(world, botOf(request as never), request.params.channel_id);
    if (!world.store.isThread(channel)) throw notAThread();
    return channel;
  };
  const parentOf = (request: { params: Params<'channel_id'>; bot: unknown }) => {
    const channel = channelFor(world, botOf(request as never), request.params.channel_id);
    if (channel.type !== ChannelType.GuildText) throw notAThread();
    return channel;
  };

  app.post<{ Params: Params<'channel_id'> }>('/channels/:channel_id/threads', async (request, reply) => {
    const parent = parentOf(request);
    const body = parseBody(startSchema, request.body);
    const thread = createThread(world, parent, {
      name: body.name,
      type: body.type ?? ChannelType.PrivateThread,
      autoArchiveDuration: body.auto_archive_duration ?? 4320,
      ownerId: botOf(request).user.id,
    });
    return reply.code(201).send(thread);
  });

  app.post<{ Params: Params<'channel_id' | 'message_id'> }>(
    '/channels/:channel_id/messages/:message_id/threads',
    async (request, reply) => {
      const parent = parentOf(request);
      messageIn(world, parent, request.params.message_id);
      if (world.store.channels.has(request.params.message_id))
        throw new DiscordHttpError(400, 160004, 'A thread has already been created for this message');
      const body = parseBody(startSchema.omit({ type: true, invitable: true }), request.body);
      const thread = createThread(world, parent, {
        name: body.name,
        type: ChannelType.PublicThread,
        autoArchiveDuration: body.auto_archive_duration ?? 4320,
        ownerId: botOf(request).user.id,
        messageId: request.params.message_id,
      });
      return reply.code(201).send(thread);
    },
  );

  for (const method of ['put', 'delete'] as const)
    app[method]<{ Params: Params<'channel_id'> }>(
      '/channels/:channel_id/thread-members/@me',
      async (request, reply) => {
        const thread = threadOf(request);
        if (!isActiveThread(thread)) throw Errors.threadArchived();
        setThreadMember(world, thread, botOf(request).user.id, method === 'put');
        return reply.code(204).send();
      },
    );

  app.get<{ Params: Params<'channel_id'> }>('/channels/:channel_id/thread-members', async (request) => {
    const thread = threadOf(request);
    return [...threadMembers(thread)].map(([userId, joined]) => ({
      id: thread.id,
      user_id: userId,
      join_timestamp: joined,
      flags: 0,
    }));
  });

  app.get<{ Params: Params<'guild_id'> }>('/guilds/:guild_id/threads/active', async (request) => {
    const bot = botOf(request);
    const guild = guildFor(world, bot, request.params.guild_id);
    const threads = world.store.threadsOf(guild).filter(isActiveThread);
    return {
      threads,
      members: threads.flatMap((t) => {
        const joined = threadMembers(t).get(bot.user.id);
        return joined ? [{ id: t.id, user_id: bot.user.id, join_timestamp: joined, flags: 0 }] : [];
      }),
    };
  });
}

/**
 * `PATCH /channels/:id` on a thread: name, archived, locked, auto_archive_duration, invitable (private
 * threads only), rate_limit_per_user; THREAD_UPDATE. An archived thread takes no edit but the one that
 * unarchives it (50083), as on Discord. Bots are treated as having MANAGE_THREADS.
 */
export function patchThread(ctx: RestContext, thread: ChannelRecord, body: unknown): ChannelRecord {
  const patch = parseBody(threadPatch, body);
  if (threadMetadata(thread).archived && patch.archived !== false) throw Errors.threadArchived();
  if (patch.invitable !== undefined && (thread.type as ChannelType) !== ChannelType.PrivateThread)
    throw Errors.invalidFormBody(
      fieldError(['invitable'], 'BASE_TYPE_BAD_CHANNEL_TYPE', 'Only private threads can be invitable'),
    );
  if (patch.name !== undefined && patch.name !== thread.name)
    takeShared(ctx, SHARED_LIMITS.channelRename, thread.id);
  return updateThread(ctx.world, thread, {
    ...patch,
    rate_limit_per_user: patch.rate_limit_per_user ?? undefined,
  });
}
