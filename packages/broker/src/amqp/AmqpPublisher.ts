/**
 * Publishing with confirms, pipelined: every publish goes out at once and resolves on its own
 * confirm. At most `limit` publishes are unconfirmed at once (sent or, while disconnected, held
 * here); past that the caller waits. After a reconnect, what was never confirmed is sent again.
 *
 * Per publish, nothing but its promise is allocated to outlive the call: the publish is held in a
 * `PublishRing` (arrays, its body in a shared slab), confirms are matched by delivery tag from the
 * channel's `ack`/`nack` events (no callback per message), and the message properties are built
 * only when it is sent.
 */
import type { Logger } from '@shardwire/core';
import type { ChannelModel, ConfirmChannel } from 'amqplib';
import { BrokerClosedError, PublishRejectedError } from '../errors.js';
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

export class AmqpPublisher {
  #channel: ConfirmChannel | undefined;
  /** The delivery tag the next publish on `#channel` will have (confirm mode counts from 1). */
  #nextTag = 1;
  readonly #ring = new PublishRing();
  /** Slots from the oldest that are sent on `#channel` or settled; the rest wait to be sent. */
  #sent = 0;
  #unsettled = 0;
  #roomWaiters: (() => void)[] = [];
  #drained: (() => void)[] = [];
  #closed = false;

  constructor(
    private readonly limit: number,
    private readonly metrics: BrokerMetrics,
    private readonly logger: Logger | undefined,
    private readonly onBroken: (reason: string) => void,
  ) {}

  /** Publishes held, sent or not yet confirmed. */
  get pending(): number {
    return this.#unsettled;
  }

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

  /** Publishes a persistent JSON message; `body` is the JSON text or its bytes. */
  publish(
    exchange: string,
    routingKey: string,
    body: string | Buffer,
    messageId: string | undefined,
    headers?: Record<string, unknown>,
  ): Promise<void> {
    if (this.#closed) return Promise.reject(new BrokerClosedError());
    // The common case takes no extra turn: room in the window, sent at once.
    if (this.#unsettled < this.limit) return this.#enqueue(exchange, routingKey, body, messageId, headers);
    return this.#waitForRoom().then(() => this.#enqueue(exchange, routingKey, body, messageId, headers));
  }

  async #waitForRoom(): Promise<void> {
    while (this.#unsettled >= this.limit) {
      await new Promise<void>((resolve) => this.#roomWaiters.push(resolve));
      if (this.#closed) throw new BrokerClosedError();
    }
  }

  #enqueue(
    exchange: string,
    routingKey: string,
    body: string | Buffer,
    messageId: string | undefined,
    headers: Record<string, unknown> | undefined,
  ): Promise<void> {
    this.metrics.published();
    const promise = new Promise<void>(capture);
    this.#ring.push(exchange, routingKey, body, messageId, headers, capturedResolve, capturedReject);
    this.#unsettled++;
    this.#flush();
    return promise;
  }

  /** Resolves once nothing is buffered or unconfirmed (or after `timeoutMs`, failing what is left). */
  async drain(timeoutMs: number): Promise<void> {
    if (this.#unsettled > 0) {
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
    const left = this.#unsettled;
    const ring = this.#ring;
    for (let n = 0; n < ring.size; n++) {
      const slot = ring.at(n);
      if (ring.state[slot] === SETTLED) continue;
      const reject = ring.reject[slot]!;
      ring.settle(slot);
      reject(new BrokerClosedError());
    }
    ring.dropSettled();
    this.#sent = 0;
    this.#unsettled = 0;
    for (const wake of this.#roomWaiters.splice(0)) wake();
    if (left > 0) this.logger?.error({ unconfirmed: left }, 'closed with publishes never confirmed');
  }

  #flush(): void {
    const channel = this.#channel;
    const ring = this.#ring;
    // The window (`limit`) bounds what amqplib buffers, so its write-buffer signal is not needed.
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
          this.onBroken(error instanceof Error ? error.message : String(error));
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
    // Sent slots are in delivery-tag order, and confirms mostly name the oldest: scan from the front.
    for (let n = 0; n < this.#sent; n++) {
      const slot = ring.at(n);
      if (ring.state[slot] !== SENT) continue;
      const tag = ring.tag[slot]!;
      if (tag > deliveryTag) break;
      if (tag === deliveryTag || multiple) this.#settle(slot, ok);
      if (tag === deliveryTag) break;
    }
    this.#sent -= ring.dropSettled();
    this.#wakeRoom();
    if (this.#unsettled === 0) for (const done of this.#drained.splice(0)) done();
  }

  #settle(slot: number, ok: boolean): void {
    const ring = this.#ring;
    const resolve = ring.resolve[slot]!;
    const reject = ring.reject[slot]!;
    const exchange = ring.exchange[slot]!;
    const routingKey = ring.routingKey[slot]!;
    const startedAt = ring.startedAt[slot]!;
    ring.settle(slot);
    this.#unsettled--;
    if (ok) {
      this.metrics.confirmed(performance.now() - startedAt);
      resolve();
    } else {
      this.metrics.rejected();
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
      this.logger?.warn({ unconfirmed }, 'publisher channel lost; resending unconfirmed messages');
  }

  #wakeRoom(): void {
    while (this.#roomWaiters.length > 0 && this.#unsettled < this.limit) this.#roomWaiters.shift()!();
  }
}

/** The routing key a caller used: a group message's wire key without its partition. */
function routingKeyForError(exchange: string, routingKey: string): string {
  return exchange === '' ? routingKey : routingKey.slice(routingKey.indexOf('.') + 1);
}
