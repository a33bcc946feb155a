/**
 * Publishing with confirms, pipelined, over a few confirm channels of one connection: every publish
 * goes out at once and resolves on its own confirm. At most `limit` publishes are unconfirmed at
 * once (sent or, while disconnected, held here); past that the caller waits. After a reconnect,
 * what was never confirmed is sent again, in order.
 *
 * Why several channels: RabbitMQ caches topic authorisation per channel for about 12 routing keys,
 * and the 16 partition-prefixed keys rotate past it on one channel (~17 % slower per publish;
 * `bench/broker/topology-probe.mjs`). Each partition always goes out on the same channel, so the
 * publishes of one partition (one guild's events) keep their order.
 */
import type { Logger } from '@shardwire/core';
import type { ChannelModel } from 'amqplib';
import { Deque } from '../Deque.js';
import { BrokerClosedError } from '../errors.js';
import type { BrokerMetrics } from '../metrics.js';
import { PublisherChannel } from './PublisherChannel.js';

/** A publish that came while the window was full: sent, in call order, once there is room. */
interface HeldPublish {
  partition: number;
  exchange: string;
  routingKey: string;
  body: string | Buffer;
  messageId: string | undefined;
  headers: Record<string, unknown> | undefined;
  resolve(): void;
  reject(error: Error): void;
}

export class AmqpPublisher {
  readonly #channels: PublisherChannel[];
  #unsettled = 0;
  /** Publishes past the window, oldest first. */
  readonly #held = new Deque<HeldPublish>();
  #drained: (() => void)[] = [];
  #closed = false;

  constructor(
    private readonly limit: number,
    private readonly metrics: BrokerMetrics,
    private readonly logger: Logger | undefined,
    onBroken: (reason: string) => void,
    /** The URL's `publishChannels`: the default 2 gives the default 16 partitions 8 keys per channel. */
    channels: number,
  ) {
    if (!Number.isInteger(channels) || channels < 1)
      throw new RangeError(`publisher channels must be a positive integer, got ${channels}`);
    const ctx = { metrics, logger, onBroken, onSettled: (count: number) => this.#settled(count) };
    this.#channels = Array.from({ length: channels }, () => new PublisherChannel(ctx));
  }

  /** Publishes held, sent or not yet confirmed. */
  get pending(): number {
    return this.#unsettled + this.#held.length;
  }

  async attach(model: ChannelModel): Promise<void> {
    await Promise.all(this.#channels.map((channel) => channel.attach(model)));
  }

  /** The connection is gone: what was sent but not confirmed waits to be sent again. */
  detached(): void {
    for (const channel of this.#channels) channel.detached();
  }

  /**
   * Publishes a persistent JSON message; `body` is the JSON text or its bytes. Publishes of one
   * `partition` go out on one channel, in the order of these calls (also past the window).
   */
  publish(
    partition: number,
    exchange: string,
    routingKey: string,
    body: string | Buffer,
    messageId: string | undefined,
    headers?: Record<string, unknown>,
  ): Promise<void> {
    if (this.#closed) return Promise.reject(new BrokerClosedError());
    // The common case takes no extra turn: room in the window and nobody held before it.
    if (this.#unsettled < this.limit && this.#held.length === 0)
      return this.#enqueue(partition, exchange, routingKey, body, messageId, headers);
    return new Promise<void>((resolve, reject) => {
      this.#held.push({ partition, exchange, routingKey, body, messageId, headers, resolve, reject });
    });
  }

  #enqueue(
    partition: number,
    exchange: string,
    routingKey: string,
    body: string | Buffer,
    messageId: string | undefined,
    headers: Record<string, unknown> | undefined,
  ): Promise<void> {
    this.metrics.published();
    this.#unsettled++;
    const channel = this.#channels[partition % this.#channels.length]!;
    return channel.enqueue(exchange, routingKey, body, messageId, headers);
  }

  /** Resolves once nothing is held or unconfirmed (or after `timeoutMs`, failing what is left). */
  async drain(timeoutMs: number): Promise<void> {
    if (this.pending > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.#drained.push(resolve)),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        }),
      ]);
      clearTimeout(timer);
    }
    this.#closed = true;
    const held = this.#held.takeAll();
    for (const publish of held) publish.reject(new BrokerClosedError());
    let left = held.length;
    for (const channel of this.#channels) left += channel.failAll(() => new BrokerClosedError());
    this.#unsettled = 0;
    if (left > 0) this.logger?.error({ unconfirmed: left }, 'closed with publishes never confirmed');
  }

  #settled(count: number): void {
    this.#unsettled -= count;
    this.#release();
    if (this.pending === 0) for (const done of this.#drained.splice(0)) done();
  }

  /** Sends held publishes, oldest first, while the window has room. */
  #release(): void {
    while (this.#held.length > 0 && this.#unsettled < this.limit) {
      const next = this.#held.shift()!;
      const { partition, exchange, routingKey, body, messageId, headers } = next;
      this.#enqueue(partition, exchange, routingKey, body, messageId, headers).then(
        next.resolve,
        next.reject,
      );
    }
  }
}
