/** Reactions, pins and typing on channel messages. */
import type { FastifyInstance } from 'fastify';
import { memberWithUser } from '../../state/factories.js';
import {
  addReaction,
  parseEmoji,
  removeAllReactions,
  removeReaction,
  setPinned,
  usersWhoReacted,
} from '../../world/reactions.js';
import { botOf, channelFor, messageIn, type Params, type RestContext } from '../context.js';
import { DiscordHttpError } from '../errors.js';
import { intParam } from '../query.js';

type ReactionParams = { Params: Params<'channel_id' | 'message_id' | 'emoji'> };
type MessageParams = { Params: Params<'channel_id' | 'message_id'> };
const unknownEmoji = () => new DiscordHttpError(400, 10014, 'Unknown Emoji');
const MAX_PINS = 50;

export function reactionRoutes(app: FastifyInstance, ctx: RestContext): void {
  const { world } = ctx;
  const target = (request: { params: Params<'channel_id' | 'message_id'>; bot: unknown }) => {
    const bot = botOf(request as never);
    const channel = channelFor(world, bot, request.params.channel_id);
    return { bot, channel, record: messageIn(world, channel, request.params.message_id) };
  };
  const emojiOf = (raw: string) => {
    const emoji = parseEmoji(raw);
    if (!emoji) throw unknownEmoji();
    return emoji;
  };

  app.put<ReactionParams>(
    '/channels/:channel_id/messages/:message_id/reactions/:emoji/@me',
    async (request, reply) => {
      const { bot, channel, record } = target(request);
      addReaction(world, channel, record, bot.user.id, emojiOf(request.params.emoji));
      return reply.code(204).send();
    },
  );

  app.delete<ReactionParams>(
    '/channels/:channel_id/messages/:message_id/reactions/:emoji/@me',
    async (request, reply) => {
      const { bot, channel, record } = target(request);
      removeReaction(world, channel, record, bot.user.id, emojiOf(request.params.emoji));
      return reply.code(204).send();
    },
  );

  app.delete<{ Params: Params<'channel_id' | 'message_id' | 'emoji' | 'user_id'> }>(
    '/channels/:channel_id/messages/:message_id/reactions/:emoji/:user_id',
    async (request, reply) => {
      const { channel, record } = target(request);
      removeReaction(world, channel, record, request.params.user_id, emojiOf(request.params.emoji));
      return reply.code(204).send();
    },
  );

  app.get<ReactionParams & { Querystring: Record<string, string | undefined> }>(
    '/channels/:channel_id/messages/:message_id/reactions/:emoji',
    async (request) => {
      const { record } = target(request);
      const limit = intParam(request.query.limit, 'limit', 1, 100, 25);
      const after = request.query.after;
      return usersWhoReacted(world, record, emojiOf(request.params.emoji))
        .filter((user) => after === undefined || BigInt(user.id) > BigInt(after))
        .slice(0, limit);
    },
  );

  app.delete<ReactionParams>(
    '/channels/:channel_id/messages/:message_id/reactions/:emoji',
    async (request, reply) => {
      const { channel, record } = target(request);
      removeAllReactions(world, channel, record, emojiOf(request.params.emoji));
      return reply.code(204).send();
    },
  );

  app.delete<MessageParams>(
    '/channels/:channel_id/messages/:message_id/reactions',
    async (request, reply) => {
      const { channel, record } = target(request);
      removeAllReactions(world, channel, record);
      return reply.code(204).send();
    },
  );

  app.get<{ Params: Params<'channel_id'> }>('/channels/:channel_id/pins', async (request) => {
    const channel = channelFor(world, botOf(request), request.params.channel_id);
    return (world.store.messages(channel.id)?.all() ?? [])
      .filter((r) => r.message.pinned)
      .map((r) => r.message)
      .reverse();
  });

  app.put<MessageParams>('/channels/:channel_id/pins/:message_id', async (request, reply) => {
    const { channel, record } = target(request);
    const pinned = (world.store.messages(channel.id)?.all() ?? []).filter((r) => r.message.pinned).length;
    if (!record.message.pinned && pinned >= MAX_PINS)
      throw new DiscordHttpError(400, 30003, 'Maximum number of pins reached (50)');
    setPinned(world, channel, record, true);
    return reply.code(204).send();
  });

  app.delete<MessageParams>('/channels/:channel_id/pins/:message_id', async (request, reply) => {
    const { channel, record } = target(request);
    setPinned(world, channel, record, false);
    return reply.code(204).send();
  });

  /** Typing: TYPING_START for the guild (GUILD_MESSAGE_TYPING). */
  app.post<{ Params: Params<'channel_id'> }>('/channels/:channel_id/typing', async (request, reply) => {
    const bot = botOf(request);
    const channel = channelFor(world, bot, request.params.channel_id);
    const member = world.store.guilds.get(channel.guild_id)?.members.get(bot.user.id);
    world.dispatcher.toGuild(channel.guild_id, 'TYPING_START', {
      channel_id: channel.id,
      guild_id: channel.guild_id,
      user_id: bot.user.id,
      timestamp: Math.floor(world.clock.now() / 1000),
      ...(member ? { member: memberWithUser(member, bot.user) } : {}),
    });
    return reply.code(204).send();
  });
}
