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
import { deleteMessage } from '../../world/messages.js';
import type { Params, RestContext } from '../context.js';
import { parseBody } from '../errors.js';
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

  app.post<WebhookParams>('/webhooks/:webhook_id/:webhook_token', open, async (request) => {
    const record = byToken(request.params.webhook_id, request.params.webhook_token);
    return followUp(world, record, messageData(request.body), ctx.baseUrl()).message;
  });

  const messagePath = '/webhooks/:webhook_id/:webhook_token/messages/:message_id';
  app.get<WebhookMessageParams>(messagePath, open, async (request) => {
    const record = byToken(request.params.webhook_id, request.params.webhook_token);
    return webhookMessage(record, request.params.message_id).message;
  });
  app.patch<WebhookMessageParams>(messagePath, open, async (request) => {
    const record = byToken(request.params.webhook_id, request.params.webhook_token);
    const message = webhookMessage(record, request.params.message_id);
    return editWebhookMessage(world, record, message, messageData(request.body));
  });
  app.delete<WebhookMessageParams>(messagePath, open, async (request, reply) => {
    const record = byToken(request.params.webhook_id, request.params.webhook_token);
    const message = webhookMessage(record, request.params.message_id);
    deleteMessage(world, record.channel, message.message.id);
    if (record.original === message) record.original = undefined;
    else record.followups = record.followups.filter((m) => m !== message);
    return reply.code(204).send();
  });
}
