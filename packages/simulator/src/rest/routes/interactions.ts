/** Interaction callbacks and the interaction token's webhook: original response and follow-ups. No bot token needed. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  editWebhookMessage,
  followUp,
  InteractionErrors,
  type MessageData,
  respond,
  webhookMessage,
} from '../../world/interactionFlow.js';
import type { InteractionRecord } from '../../world/interactions.js';
import { deleteMessage, editMessage } from '../../world/messages.js';
import type { Params, RestContext } from '../context.js';
import { DiscordHttpError, parseBody } from '../errors.js';
import { messageCreateSchema } from '../messageBody.js';

const data = messageCreateSchema.pick({ content: true, embeds: true, components: true, flags: true });
const callbackSchema = z.object({ type: z.number().int(), data: z.unknown().optional() });

type WebhookParams = { Params: Params<'webhook_id' | 'webhook_token'> };
type WebhookMessageParams = { Params: Params<'webhook_id' | 'webhook_token' | 'message_id'> };
const open = { config: { auth: false } };

function messageData(body: unknown): MessageData {
  const parsed = parseBody(data, body);
  return {
    ...(parsed.content !== undefined ? { content: parsed.content } : {}),
    ...(parsed.embeds ? { embeds: parsed.embeds } : {}),
    ...(parsed.components ? { components: parsed.components } : {}),
    ...(parsed.flags !== undefined ? { flags: parsed.flags } : {}),
  };
}

export function interactionRoutes(app: FastifyInstance, ctx: RestContext): void {
  const { world } = ctx;
  const byToken = (applicationId: string, token: string): InteractionRecord => {
    const record = world.interactions.byToken(token, world.clock.now());
    if (!record || record.bot.applicationId !== applicationId) throw InteractionErrors.unknownWebhook();
    return record;
  };

  app.post<{
    Params: Params<'interaction_id' | 'interaction_token'>;
    Querystring: { with_response?: string };
  }>('/interactions/:interaction_id/:interaction_token/callback', open, async (request, reply) => {
    const record = world.interactions.get(request.params.interaction_id);
    if (!record || record.token !== request.params.interaction_token) throw InteractionErrors.unknown();
    const body = parseBody(callbackSchema, request.body);
    const message = respond(
      world,
      record,
      { type: body.type, ...(body.data !== undefined ? { data: messageData(body.data) } : {}) },
      ctx.baseUrl(),
    );
    if (request.query.with_response !== 'true') return reply.code(204).send();
    return {
      interaction: {
        id: record.id,
        type: record.type,
        activity_instance_id: null,
        response_message_id: message?.message.id ?? null,
        response_message_loading: body.type === 5,
        response_message_ephemeral: false,
      },
      resource: { type: body.type, ...(message ? { message: message.message } : {}) },
    };
  });

  /** A channel webhook's token executes it; an interaction token sends a follow-up. */
  app.post<WebhookParams & { Querystring: { wait?: string } }>(
    '/webhooks/:webhook_id/:webhook_token',
    open,
    async (request, reply) => {
      const webhook = world.webhooks.byToken(request.params.webhook_id, request.params.webhook_token);
      if (webhook) {
        const body = parseBody(data.extend({ username: z.string().min(1).max(80).optional() }), request.body);
        const { username, ...rest } = body;
        const record = world.webhooks.execute(
          world,
          webhook,
          { ...messageData(rest), ...(username ? { username } : {}) },
          ctx.baseUrl(),
        );
        if (!record) throw InteractionErrors.unknownWebhook();
        return request.query.wait === 'true' ? record.message : reply.code(204).send();
      }
      const record = byToken(request.params.webhook_id, request.params.webhook_token);
      return followUp(world, record, messageData(request.body), ctx.baseUrl()).message;
    },
  );

  /** The message a token may read, edit or delete: a channel webhook's own, or an interaction's. */
  const tokenMessage = (params: Params<'webhook_id' | 'webhook_token' | 'message_id'>) => {
    const webhook = world.webhooks.byToken(params.webhook_id, params.webhook_token);
    if (webhook) {
      const found = world.webhooks.sent(webhook.id, params.message_id)
        ? world.store.messages(webhook.channel_id)?.get(params.message_id)
        : undefined;
      const channel = world.store.channels.get(webhook.channel_id);
      if (!found || !channel) throw new DiscordHttpError(404, 10008, 'Unknown Message');
      return { channel, message: found, interaction: undefined, webhookId: webhook.id };
    }
    const record = byToken(params.webhook_id, params.webhook_token);
    return {
      channel: record.channel,
      message: webhookMessage(record, params.message_id),
      interaction: record,
      webhookId: undefined,
    };
  };

  const messagePath = '/webhooks/:webhook_id/:webhook_token/messages/:message_id';
  app.get<WebhookMessageParams>(
    messagePath,
    open,
    async (request) => tokenMessage(request.params).message.message,
  );
  app.patch<WebhookMessageParams>(messagePath, open, async (request) => {
    const target = tokenMessage(request.params);
    const body = messageData(request.body);
    if (target.interaction) return editWebhookMessage(world, target.interaction, target.message, body);
    return editMessage(world, target.channel, target.message, {
      ...(body.content !== undefined ? { content: body.content } : {}),
      ...(body.embeds ? { embeds: body.embeds } : {}),
      ...(body.components ? { components: body.components } : {}),
    });
  });
  app.delete<WebhookMessageParams>(messagePath, open, async (request, reply) => {
    const target = tokenMessage(request.params);
    deleteMessage(world, target.channel, target.message.message.id);
    if (target.webhookId) world.webhooks.forget(target.webhookId, target.message.message.id);
    const record = target.interaction;
    if (record) {
      if (record.original === target.message) record.original = undefined;
      else record.followups = record.followups.filter((m) => m !== target.message);
    }
    return reply.code(204).send();
  });
}
