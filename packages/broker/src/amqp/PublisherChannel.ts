/**
 * One confirm channel of the publisher and the publishes it carries, oldest first: each goes out
 * as soon as the channel is up, settles on its own confirm, and is sent again, in order, on the
 * next channel after a reconnect. `AmqpPublisher` runs several, each owning fixed partitions.
 *
 * Per publish, nothing but its promise is allocated to outlive the call: the publish is held in a
 * `PublishRing` (arrays, its body in a shared slab), confirms are matched by delivery tag from the
 * channel's `ack`/`nack` events (no callback per message), and the message properties are built
 * only when it is sent.
 */
import type { Logger } from '@shardwire/core';
import type { ChannelModel, ConfirmChannel } from 'amqplib';
import { PublishRejectedError } from '../errors.js';
import type { BrokerMetrics } from '../metrics.js';
import { PublishRing, SENT, SETTLED, WAITING } from './PublishRing.js';

/** The fields of a `basic.ack` / `basic.nack` confirm. */
interface ConfirmFields {
  deliveryTag: number;
  multiple: boolean;
}

// One executor for every publish promise, so that creating one allocates no closure
// (Node 20 has no `Promise.withResolvers`). It runs synchronously inside `new Promise`.
let capturedResolve: () => void = () => {};
let capturedReject: (error: Error) => void = () => {};
function capture(resolve: () => void, reject: (error: Error) => void): void {
  capturedResolve = resolve;
  capturedReject = reject;
}

export interface PublisherChannelContext {
  metrics: BrokerMetrics;
  logger: Logger | undefined;
  /** A publish threw: the channel is broken and the connection should start over. */
  onBroken(reason: string): void;
  /** `count` publishes of this channel were settled by confirms. */
  onSettled(count: number): void;
}

export class PublisherChannel {
  #channel: ConfirmChannel | undefined;
  /** The delivery tag the next publish on `#channel` will have (confirm mode counts from 1). */
  #nextTag = 1;
  readonly #ring = new PublishRing();
  /** Slots from the oldest that are sent on `#channel` or settled; the rest wait to be sent. */
  #sent = 0;

  constructor(private readonly ctx: PublisherChannelContext) {}

  async attach(model: ChannelModel): Promise<void> {
    const channel = await model.createConfirmChannel();
    if (this.#channel) this.#detach(this.#channel);
    channel.on('error', () => {});
    channel.on('close', () => this.#detach(channel));
    channel.on('ack', (fields: ConfirmFields) => this.#confirm(channel, fields, true));
    channel.on('nack', (fields: ConfirmFields) => this.#confirm(channel, fields, false));
    this.#channel = channel;
    this.#nextTag = 1;
    this.#flush();
  }

  /** The connection is gone: what was sent but not confirmed waits to be sent again. */
  detached(): void {
    if (this.#channel) this.#detach(this.#channel);
  }

  /** Holds a publish and sends it if the channel is up; the promise settles on its confirm. */
  enqueue(
    exchange: string,
    routingKey: string,
    body: string | Buffer,
    messageId: string | undefined,
    headers: Record<string, unknown> | undefined,
  ): Promise<void> {
    const promise = new Promise<void>(capture);
    this.#ring.push(exchange, routingKey, body, messageId, headers, capturedResolve, capturedReject);
    this.#flush();
    return promise;
  }

  /** Fails every publish not yet settled with `error()`; returns how many. */
  failAll(error: () => Error): number {
    const ring = this.#ring;
    let failed = 0;
    for (let n = 0; n < ring.size; n++) {
      const slot = ring.at(n);
      if (ring.state[slot] === SETTLED) continue;
      const reject = ring.reject[slot]!;
      ring.settle(slot);
      reject(error());
      failed++;
    }
    ring.dropSettled();
    this.#sent = 0;
    return failed;
  }

  #flush(): void {
    const channel = this.#channel;
    const ring = this.#ring;
    // The publisher's window bounds what amqplib buffers, so its write-buffer signal is not needed.
    while (channel && this.#sent < ring.size) {
      const slot = ring.at(this.#sent);
      if (ring.state[slot] === WAITING) {
        try {
          channel.publish(ring.exchange[slot]!, ring.routingKey[slot]!, ring.body(slot), {
            persistent: true,
            contentType: 'application/json',
            messageId: ring.messageId[slot],
            headers: ring.headers[slot],
          });
        } catch (error) {
          // The channel closed under us: the message waits, and everything starts over on a new connection.
          this.ctx.onBroken(error instanceof Error ? error.message : String(error));
          return;
        }
        ring.state[slot] = SENT;
        ring.tag[slot] = this.#nextTag++;
      }
      this.#sent++;
    }
  }

  /** Settles the publish a confirm names, or with `multiple` every sent one up to its tag. */
  #confirm(channel: ConfirmChannel, { deliveryTag, multiple }: ConfirmFields, ok: boolean): void {
    if (this.#channel !== channel) return;
    const ring = this.#ring;
    let settled = 0;
    // Sent slots are in delivery-tag order, and confirms mostly name the oldest: scan from the front.
    for (let n = 0; n < this.#sent; n++) {
      const slot = ring.at(n);
      if (ring.state[slot] !== SENT) continue;
      const tag = ring.tag[slot]!;
      if (tag > deliveryTag) break;
      if (tag === deliveryTag || multiple) {
        this.#settle(slot, ok);
        settled++;
      }
      if (tag === deliveryTag) break;
    }
    this.#sent -= ring.dropSettled();
    if (settled > 0) this.ctx.onSettled(settled);
  }

  #settle(slot: number, ok: boolean): void {
    const ring = this.#ring;
    const resolve = ring.resolve[slot]!;
    const reject = ring.reject[slot]!;
    const exchange = ring.exchange[slot]!;
    const routingKey = ring.routingKey[slot]!;
    const startedAt = ring.startedAt[slot]!;
    ring.settle(slot);
    if (ok) {
      this.ctx.metrics.confirmed(performance.now() - startedAt);
      resolve();
    } else {
      this.ctx.metrics.rejected();
      reject(
        new PublishRejectedError(
          routingKeyForError(exchange, routingKey),
          'the broker refused it (a queue is full)',
        ),
      );
    }
  }

  #detach(channel: ConfirmChannel): void {
    if (this.#channel !== channel) return;
    this.#channel = undefined;
    const ring = this.#ring;
    let unconfirmed = 0;
    for (let n = 0; n < this.#sent; n++) {
      const slot = ring.at(n);
      if (ring.state[slot] !== SENT) continue;
      ring.state[slot] = WAITING;
      unconfirmed++;
    }
    this.#sent = 0;
    if (unconfirmed > 0)
      this.ctx.logger?.warn({ unconfirmed }, 'publisher channel lost; resending unconfirmed messages');
  }
}

/** The routing key a caller used: a group message's wire key without its partition. */
function routingKeyForError(exchange: string, routingKey: string): string {
  return exchange === '' ? routingKey : routingKey.slice(routingKey.indexOf('.') + 1);
}
