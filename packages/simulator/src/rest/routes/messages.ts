/** Messages: list, get, create (JSON or multipart), edit, delete, bulk delete. */
import { snowflakeTimestamp } from '@shardwire/core';
import type { APIMessage } from 'discord-api-types/v10';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { messageForIntents } from '../../gateway/intents.js';
import type { BotRecord, MessageRecord } from '../../state/records.js';
import { bulkDeleteMessages, createMessage, deleteMessage, editMessage } from '../../world/messages.js';
import { reactionsFor } from '../../world/reactions.js';
import { isActiveThread, threadMetadata, updateThread } from '../../world/threads.js';
import { botOf, channelFor, messageIn, type Params, type RestContext } from '../context.js';
import { Errors, fieldError, parseBody } from '../errors.js';
import { attachmentsFrom, messageEditSchema, parseMessageCreate, readMessageBody } from '../messageBody.js';
import { intParam, snowflakeParam } from '../query.js';

const BULK_DELETE_MAX_AGE_MS = 14 * 24 * 60 * 60 * 1000;
const bulkDeleteSchema = z.object({
  messages: z
    .array(z.string().regex(/^\d{1,20}$/))
    .min(2)
    .max(100),
});

/**
 * MESSAGE_CONTENT also applies over HTTP, by the app's setting (not the session's intents): a bot
 * without it gets blank content except in its own messages and those mentioning it.
 */
function forBot(bot: BotRecord, record: MessageRecord): APIMessage {
  const reactions = reactionsFor(record, bot.user.id);
  const message = reactions ? { ...record.message, reactions } : record.message;
  return messageForIntents(message, bot.user.id, bot.privilegedIntents, true);
}

type ChannelParams = { Params: Params<'channel_id'> };
type MessageParams = { Params: Params<'channel_id' | 'message_id'> };

export function messageRoutes(app: FastifyInstance, ctx: RestContext): void {
  const { world } = ctx;

  app.get<ChannelParams & { Querystring: Record<string, string | undefined> }>(
    '/channels/:channel_id/messages',
    async (request) => {
      const bot = botOf(request);
      const channel = channelFor(world, bot, request.params.channel_id);
      const q = request.query;
      const limit = intParam(q.limit, 'limit', 1, 100, 50);
      const around = snowflakeParam(q.around, 'around');
      const before = snowflakeParam(q.before, 'before');
      const after = snowflakeParam(q.after, 'after');
      const log = world.store.messages(channel.id);
      const found = around
        ? log?.query({ around, limit })
        : before
          ? log?.query({ before, limit })
          : log?.query({ ...(after ? { after } : {}), limit });
      return (found ?? []).map((r) => forBot(bot, r));
    },
  );

  app.get<MessageParams>('/channels/:channel_id/messages/:message_id', async (request) => {
    const bot = botOf(request);
    const channel = channelFor(world, bot, request.params.channel_id);
    return forBot(bot, messageIn(world, channel, request.params.message_id));
  });

  app.post<ChannelParams>('/channels/:channel_id/messages', async (request) => {
    const bot = botOf(request);
    const channel = channelFor(world, bot, request.params.channel_id);
    const { json, uploads } = await readMessageBody(request);
    const body = parseMessageCreate(json);
    const attachments = attachmentsFrom(body.attachments, uploads);
    const hasContent = (body.content ?? '').trim().length > 0;
    if (
      !hasContent &&
      !body.embeds?.length &&
      !attachments.length &&
      !body.sticker_ids?.length &&
      !body.components?.length &&
      !body.poll
    )
      throw Errors.emptyMessage();
    const reference = body.message_reference?.message_id;
    if (
      reference &&
      body.message_reference?.fail_if_not_exists !== false &&
      !world.store.messages(channel.id)?.get(reference)
    )
      throw Errors.invalidFormBody(
        fieldError(['message_reference'], 'REPLIES_UNKNOWN_MESSAGE', 'Unknown message'),
      );
    // Sending in an archived thread unarchives it, unless it is locked.
    if (world.store.isThread(channel) && !isActiveThread(channel)) {
      if (threadMetadata(channel).locked) throw Errors.threadArchived();
      updateThread(world, channel, { archived: false });
    }
    const record = createMessage(
      world,
      channel,
      bot.user,
      {
        ...(body.content !== undefined ? { content: body.content } : {}),
        ...(body.embeds ? { embeds: body.embeds } : {}),
        ...(body.components ? { components: body.components } : {}),
        ...(body.tts ? { tts: body.tts } : {}),
        ...(body.nonce !== undefined ? { nonce: body.nonce } : {}),
        ...(body.message_reference ? { message_reference: body.message_reference } : {}),
        attachments,
      },
      ctx.baseUrl(),
    );
    return record.message;
  });

  app.patch<MessageParams>('/channels/:channel_id/messages/:message_id', async (request) => {
    const bot = botOf(request);
    const channel = channelFor(world, bot, request.params.channel_id);
    const record = messageIn(world, channel, request.params.message_id);
    const { json } = await readMessageBody(request);
    const body = parseBody(messageEditSchema, json);
    if (record.message.author.id !== bot.user.id) throw Errors.notAuthor();
    return editMessage(world, channel, record, {
      ...(body.content != null ? { content: body.content } : body.content === null ? { content: '' } : {}),
      ...(body.embeds !== undefined ? { embeds: body.embeds ?? [] } : {}),
      ...(body.components !== undefined ? { components: body.components ?? [] } : {}),
      ...(body.attachments !== undefined
        ? { attachments: (body.attachments ?? []).map((a) => ({ id: String(a.id) })) }
        : {}),
    });
  });

  app.delete<MessageParams>('/channels/:channel_id/messages/:message_id', async (request, reply) => {
    const channel = channelFor(world, botOf(request), request.params.channel_id);
    messageIn(world, channel, request.params.message_id);
    deleteMessage(world, channel, request.params.message_id);
    return reply.code(204).send();
  });

  app.post<ChannelParams>('/channels/:channel_id/messages/bulk-delete', async (request, reply) => {
    const channel = channelFor(world, botOf(request), request.params.channel_id);
    const { messages } = parseBody(bulkDeleteSchema, request.body);
    if (new Set(messages).size !== messages.length)
      throw Errors.invalidFormBody(fieldError(['messages'], 'BASE_TYPE_DUPLICATE', 'Duplicate message ids.'));
    const oldest = world.clock.now() - BULK_DELETE_MAX_AGE_MS;
    if (messages.some((id) => snowflakeTimestamp(id) < oldest)) throw Errors.tooOldToBulkDelete();
    const log = world.store.messages(channel.id);
    bulkDeleteMessages(
      world,
      channel,
      messages.filter((id) => log?.get(id)),
    );
    return reply.code(204).send();
  });
}
