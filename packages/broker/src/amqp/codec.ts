/** How a message looks on the wire in RabbitMQ: JSON body, properties and shardwire's `x-sw-` headers. */
import type { Message } from 'amqplib';
import type { PublishOptions } from '../Broker.js';
import { routingKeyOf } from './names.js';

export const H = {
  partitionKey: 'x-sw-pk',
  routingKey: 'x-sw-key',
  group: 'x-sw-group',
  reason: 'x-sw-reason',
  deliveries: 'x-sw-deliveries',
  deadAt: 'x-sw-dead-at',
  deadId: 'x-sw-dead-id',
} as const;

/** The headers of a published message, or none (an empty table still costs encoding on every message). */
export function publishHeaders(options: PublishOptions): Record<string, string> | undefined {
  if (options.partitionKey === undefined) return options.headers && { ...options.headers };
  return { ...options.headers, [H.partitionKey]: options.partitionKey };
}

export interface Decoded {
  routingKey: string;
  body: unknown;
  messageId: string | undefined;
  headers: Record<string, string>;
  partitionKey: string | undefined;
  /** Deliveries before this one, as the queue counted them. */
  previousDeliveries: number;
}

/** Reads a delivery; `eventsExchange` tells a routed message (`<partition>.<key>`) from a replayed one. */
export function decode(message: Message, eventsExchange: string): Decoded {
  const raw = (message.properties.headers ?? {}) as Record<string, unknown>;
  const routingKey =
    message.fields.exchange === eventsExchange
      ? routingKeyOf(message.fields.routingKey)
      : String(raw[H.routingKey] ?? message.fields.routingKey);
  return {
    routingKey,
    body: JSON.parse(message.content.toString('utf8')),
    messageId: typeof message.properties.messageId === 'string' ? message.properties.messageId : undefined,
    headers: userHeaders(raw),
    partitionKey: raw[H.partitionKey] === undefined ? undefined : String(raw[H.partitionKey]),
    previousDeliveries: Number(raw['x-delivery-count'] ?? 0) || 0,
  };
}

/** The headers a publisher set, without RabbitMQ's and shardwire's own. */
export function userHeaders(raw: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (
      key.startsWith('x-sw-') ||
      key === 'x-delivery-count' ||
      key === 'x-death' ||
      /^x-(first|last)-death-/.test(key)
    )
      continue;
    out[key] = Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  }
  return out;
}
