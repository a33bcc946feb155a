/**
 * One `consume` call of a group (or one partition queue of an ordered group, see
 * `AmqpOrderedConsumer`): a channel with its prefetch. Acks after the handler resolves; nacks with
 * requeue when it throws; dead-letters after `maxDeliveries`.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '@shardwire/core';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { type Delivery, type Handler, PoisonMessageError, type Subscription } from '../Broker.js';
import { reasonOf } from '../errors.js';
import type { BrokerMetrics } from '../metrics.js';
import type { AmqpPublisher } from './AmqpPublisher.js';
import { type Decoded, decode, H } from './codec.js';
import type { AmqpNames } from './names.js';

export interface ConsumerContext {
  names: AmqpNames;
  publisher: AmqpPublisher;
  metrics: BrokerMetrics;
  logger: Logger | undefined;
}

export interface ConsumerSettings {
  group: string;
  queues: string[];
  prefetch: number;
  maxDeliveries: number;
  ordered: boolean;
}

export class AmqpConsumer implements Subscription {
  #channel: Channel | undefined;
  #tags: string[] = [];
  #inFlight = 0;
  #idle: (() => void)[] = [];
  #closing: Promise<void> | undefined;
  /** Handing over: messages that still arrive are left for the channel's close to return. */
  #holding = false;
  readonly #chains = new Map<string, Promise<void>>();

  constructor(
    private readonly ctx: ConsumerContext,
    private readonly settings: ConsumerSettings,
    private readonly handler: Handler<unknown>,
    private readonly onClosed: (consumer: AmqpConsumer) => void,
  ) {}

  async attach(model: ChannelModel): Promise<void> {
    if (this.#closing) return;
    const channel = await model.createChannel();
    channel.on('error', (err: Error) =>
      this.ctx.logger?.warn({ err: { message: err.message } }, 'consumer channel error'),
    );
    channel.on('close', () => {
      if (this.#channel === channel) this.#channel = undefined;
    });
    // Known at once, so that a close or hand-over that starts while this subscribes closes it too.
    this.#channel = channel;
    this.#tags = [];
    await channel.prefetch(this.settings.prefetch);
    for (const queue of this.settings.queues) {
      if (this.#closing) break;
      const { consumerTag } = await channel.consume(queue, (message) => this.#onMessage(channel, message));
      this.#tags.push(consumerTag);
    }
  }

  close(): Promise<void> {
    return this.#stop(false);
  }

  /**
   * Gives the queue up without letting a later message overtake one this consumer holds: messages that
   * arrive from now on are not started, those started (or queued behind one of their key) finish, then
   * the channel closes, which returns the rest to the front of the queue before RabbitMQ makes the next
   * single active consumer active. (Cancelling first, as `close` does, would make it active at once.)
   */
  handOver(): Promise<void> {
    return this.#stop(true);
  }

  #stop(handOver: boolean): Promise<void> {
    this.#closing ??= (async () => {
      this.#holding = handOver;
      const channel = this.#channel;
      if (channel && !handOver)
        await Promise.all(this.#tags.map((tag) => channel.cancel(tag).catch(() => {})));
      if (this.#inFlight > 0) await new Promise<void>((resolve) => this.#idle.push(resolve));
      this.#channel = undefined;
      // Closing the channel returns whatever it still holds unacknowledged to the group.
      await channel?.close().catch(() => {});
      this.onClosed(this);
    })();
    return this.#closing;
  }

  #onMessage(channel: Channel, message: ConsumeMessage | null): void {
    if (!message) {
      this.ctx.logger?.warn(
        { group: this.settings.group },
        'RabbitMQ cancelled the consumer (queue deleted?)',
      );
      return;
    }
    if (this.#closing) {
      if (!this.#holding) channel.nack(message, false, true);
      return;
    }
    let decoded: Decoded;
    try {
      decoded = decode(message, this.ctx.names.exchange);
    } catch (error) {
      this.#track(this.#bury(channel, message, undefined, 1, `poison: undecodable body: ${reasonOf(error)}`));
      return;
    }
    const work = () => this.#handle(channel, message, decoded);
    if (!this.settings.ordered || decoded.partitionKey === undefined) {
      this.#track(work());
      return;
    }
    // Within one partition queue, one key's messages run one after another, in order.
    const key = decoded.partitionKey;
    const next = (this.#chains.get(key) ?? Promise.resolve()).then(work);
    this.#chains.set(key, next);
    this.#track(next.finally(() => this.#chains.get(key) === next && this.#chains.delete(key)));
  }

  #track(work: Promise<unknown>): void {
    this.#inFlight++;
    void work.finally(() => {
      if (--this.#inFlight === 0) for (const done of this.#idle.splice(0)) done();
    });
  }

  async #handle(channel: Channel, message: ConsumeMessage, decoded: Decoded): Promise<void> {
    const { group, maxDeliveries } = this.settings;
    let count = decoded.previousDeliveries + 1;
    if (count > maxDeliveries) {
      // Delivered again and again without an ack or a nack: its consumers died while handling it.
      await this.#bury(
        channel,
        message,
        decoded,
        count - 1,
        `delivered ${count - 1} times without an acknowledgement`,
      );
      return;
    }
    for (;;) {
      this.ctx.metrics.delivered(group, count > 1);
      const delivery: Delivery<unknown> = {
        routingKey: decoded.routingKey,
        body: decoded.body,
        messageId: decoded.messageId,
        headers: decoded.headers,
        deliveryCount: count,
      };
      try {
        await this.handler(delivery);
        this.ctx.metrics.acked(group);
        if (this.#channel === channel) channel.ack(message);
        return;
      } catch (error) {
        this.ctx.metrics.nacked(group);
        if (error instanceof PoisonMessageError)
          return this.#bury(channel, message, decoded, count, `poison: ${error.message}`);
        if (count >= maxDeliveries)
          return this.#bury(
            channel,
            message,
            decoded,
            count,
            `failed ${count} deliveries, last: ${reasonOf(error)}`,
          );
        this.ctx.logger?.debug({ group, err: error }, 'handler failed, message will be redelivered');
        if (!this.settings.ordered) {
          if (this.#channel === channel) channel.nack(message, false, true);
          return;
        }
        // Ordered: retry here, so the key's later messages cannot overtake this one.
        count++;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  }

  async #bury(
    channel: Channel,
    message: ConsumeMessage,
    decoded: Decoded | undefined,
    deliveries: number,
    reason: string,
  ): Promise<void> {
    const { group } = this.settings;
    const headers: Record<string, unknown> = {
      ...(decoded?.headers ?? {}),
      [H.group]: group,
      [H.reason]: reason,
      [H.routingKey]: decoded?.routingKey ?? message.fields.routingKey,
      [H.deliveries]: String(deliveries),
      [H.deadAt]: String(Date.now()),
      [H.deadId]: randomUUID(),
    };
    if (decoded?.partitionKey !== undefined) headers[H.partitionKey] = decoded.partitionKey;
    try {
      // The dead-letter queue keeps no order, so any channel will do.
      await this.ctx.publisher.publish(
        0,
        '',
        this.ctx.names.deadLetters,
        message.content,
        message.properties.messageId,
        headers,
      );
    } catch (error) {
      this.ctx.logger?.error({ group, err: error }, 'could not dead-letter a message; it stays in the group');
      if (this.#channel === channel) channel.nack(message, false, true);
      return;
    }
    this.ctx.metrics.deadLettered(group);
    this.ctx.logger?.warn(
      { group, messageId: message.properties.messageId, reason },
      'message dead-lettered',
    );
    if (this.#channel === channel) channel.ack(message);
  }
}
