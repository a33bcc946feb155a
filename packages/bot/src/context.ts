/** What a handler receives beside the payload: the envelope, the seams, and helpers that post replies. */
import type { Cache } from '@shardwire/cache';
import type { Clock, Envelope, Logger } from '@shardwire/core';
import type { Rest } from '@shardwire/rest';
import type {
  APIMessage,
  GatewayMessageCreateDispatchData,
  RESTPostAPIChannelMessageJSONBody,
} from 'discord-api-types/v10';
import type { EventName } from './events.js';
import { replyNonce } from './nonce.js';

/** A message to post: its text, or Discord's full JSON body. */
export type MessageInput = string | RESTPostAPIChannelMessageJSONBody;

export interface EventContext {
  readonly envelope: Envelope;
  /** 1 on the first delivery of this envelope, more on redeliveries. */
  readonly deliveryCount: number;
  readonly rest: Rest;
  readonly cache: Cache;
  /** Bound to the envelope id, the event and the handler. */
  readonly logger: Logger;
  readonly clock: Clock;
  /**
   * Aborted when the worker stops and its grace period is over; pass it to long waits. `send` and
   * `reply` pass it to Rest. A handler cut short nacks its envelope, which goes back to the group.
   */
  readonly signal: AbortSignal;
  /**
   * Posts a message to a channel (`POST /channels/:id/messages`). Mentions are off unless the body
   * sets `allowed_mentions`; a nonce derived from the envelope makes a redelivered handler's post
   * idempotent on Discord's side (`enforce_nonce`).
   */
  send(channelId: string, message: MessageInput): Promise<APIMessage>;
}

export interface MessageContext extends EventContext {
  readonly message: GatewayMessageCreateDispatchData;
  /** Posts in the message's channel as a reply to it (`message_reference`, no ping of the author). */
  reply(message: MessageInput): Promise<APIMessage>;
}

/** The context type a handler of event `E` receives. */
export type ContextFor<E extends EventName> = E extends 'MESSAGE_CREATE' ? MessageContext : EventContext;

export interface ContextBase {
  envelope: Envelope;
  deliveryCount: number;
  rest: Rest;
  cache: Cache;
  logger: Logger;
  clock: Clock;
  signal: AbortSignal;
}

/** A context for one handler's run over one envelope; `handlerKey` seeds its reply nonces. */
export function createEventContext(base: ContextBase, handlerKey: string): EventContext {
  let sends = 0;
  const logger = base.logger.child({ envelopeId: base.envelope.id, t: base.envelope.t, handler: handlerKey });
  return {
    ...base,
    logger,
    send(channelId, message) {
      const body: RESTPostAPIChannelMessageJSONBody =
        typeof message === 'string' ? { content: message } : message;
      return base.rest.request<APIMessage>({
        method: 'POST',
        signal: base.signal,
        path: `/channels/${encodeURIComponent(channelId)}/messages`,
        body: {
          allowed_mentions: { parse: [] },
          nonce: replyNonce(base.envelope.id, handlerKey, sends++),
          enforce_nonce: true,
          ...body,
        },
      });
    },
  };
}

/** Adds `message` and `reply` for a MESSAGE_CREATE. */
export function withMessage(
  context: EventContext,
  message: GatewayMessageCreateDispatchData,
): MessageContext {
  return {
    ...context,
    message,
    reply(reply) {
      const body: RESTPostAPIChannelMessageJSONBody = typeof reply === 'string' ? { content: reply } : reply;
      return context.send(message.channel_id, {
        allowed_mentions: { parse: [], replied_user: false },
        message_reference: {
          message_id: message.id,
          channel_id: message.channel_id,
          ...(message.guild_id ? { guild_id: message.guild_id } : {}),
          fail_if_not_exists: false,
        },
        ...body,
      });
    },
  };
}
