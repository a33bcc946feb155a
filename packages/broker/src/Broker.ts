/**
 * The broker seam: durable, at-least-once messaging between services. Designed from the semantics
 * of RabbitMQ (quorum queues, publisher confirms, manual acks) and NATS JetStream (streams, durable
 * consumers, acks); the `memory` backend keeps the same rules inside one process.
 */

export interface PublishOptions {
  /** Stable id (the envelope id); backends that can dedupe on it do (JetStream `Nats-Msg-Id`). */
  messageId?: string;
  /** Messages with the same key reach an `ordered` group in publish order (the guild id). */
  partitionKey?: string;
  headers?: Record<string, string>;
}

export interface Delivery<T = unknown> {
  readonly routingKey: string;
  readonly body: T;
  readonly messageId: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  /** 1 on the first delivery, 2 on the first redelivery, and so on. */
  readonly deliveryCount: number;
}

/**
 * Resolving acknowledges the message; throwing negatively acknowledges it, and it is delivered
 * again (to this consumer or another of the group) until `maxDeliveries`, then dead-lettered.
 */
export type Handler<T = unknown> = (delivery: Delivery<T>) => Promise<void> | void;

/** Thrown by a handler for a message that can never succeed: dead-lettered at once, no retries. */
export class PoisonMessageError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PoisonMessageError';
  }
}

export interface ConsumeOptions {
  /** Unacknowledged messages one consumer holds at once. Default 32. */
  prefetch?: number;
  /** Failed deliveries before a message goes to the dead-letter queue. Default 5. */
  maxDeliveries?: number;
  /** Messages of one partition key reach this group's handlers in publish order. */
  ordered?: boolean;
}

export interface GroupOptions {
  /** Bound on messages waiting for the group; past it publishing is refused, never dropped silently. */
  maxLength?: number;
  /** Bound on how long a message waits, in ms; older messages go to the dead-letter queue. */
  maxAgeMs?: number;
  /**
   * Messages of one partition key reach this group's handlers in publish order (one in flight per
   * key) while different keys run in parallel. A property of the group: set it on every declare.
   */
  ordered?: boolean;
}

export interface Subscription {
  /** Stops taking new messages, waits for handlers in flight; unacked messages go back to the group. */
  close(): Promise<void>;
}

export interface DeadLetter {
  id: string;
  group: string;
  routingKey: string;
  body: unknown;
  messageId: string | undefined;
  reason: string;
  deliveries: number;
  /** Unix ms. */
  deadAt: number;
}

export interface DeadLetterQueue {
  list(options?: { group?: string; limit?: number }): Promise<DeadLetter[]>;
  /** Publishes dead letters back to their group; returns how many. */
  replay(options?: { group?: string; ids?: string[] }): Promise<number>;
  purge(options?: { group?: string }): Promise<number>;
}

export interface RequestOptions {
  /** Default 5,000 ms. */
  timeoutMs?: number;
}

export interface Broker {
  /** Resolves once the broker holds the message durably (publisher confirm / publish ack). */
  publish<T>(routingKey: string, body: T, options?: PublishOptions): Promise<void>;

  /**
   * Declares the group's durable queue bound to `patterns` (AMQP topic syntax: `*` one word,
   * `#` any number) if needed and consumes from it. Consumers of one group share its messages;
   * every group gets every matching message. Messages wait while no consumer is online.
   */
  consume<T>(
    group: string,
    patterns: string | readonly string[],
    handler: Handler<T>,
    options?: ConsumeOptions & GroupOptions,
  ): Promise<Subscription>;

  /** Declares a group's queue without consuming, so messages wait for consumers that start later. */
  declareGroup(group: string, patterns: string | readonly string[], options?: GroupOptions): Promise<void>;

  /** Request/reply: one responder of `subject` answers; rejects on timeout or when none answers. */
  request<Req, Res>(subject: string, payload: Req, options?: RequestOptions): Promise<Res>;
  respond<Req, Res>(subject: string, handler: (payload: Req) => Promise<Res> | Res): Promise<Subscription>;

  /** Asks every responder of `subject` and gathers the replies that arrive within the timeout. */
  broadcast<Req, Res>(subject: string, payload: Req, options?: RequestOptions): Promise<Res[]>;

  readonly deadLetters: DeadLetterQueue;

  /** Waits for publishes in flight to be confirmed, stops consumers, closes connections. */
  close(): Promise<void>;
}
