/**
 * Publishing with confirms, pipelined: every publish goes out at once and resolves on its own
 * confirm. At most `limit` publishes are unconfirmed at once (sent or, while disconnected, held
 * here); past that the caller waits. After a reconnect, what was never confirmed is sent again.
 */
import type { Logger } from '@shardwire/core';
import type { ChannelModel, ConfirmChannel, Options } from 'amqplib';
import { BrokerClosedError, PublishRejectedError } from '../errors.js';
import { Deque } from '../memory/Deque.js';
import type { BrokerMetrics } from '../metrics.js';

interface Pending {
  readonly exchange: string;
  readonly routingKey: string;
  readonly content: Buffer;
  readonly options: Options.Publish;
  readonly startedAt: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  channel?: ConfirmChannel;
}

export class AmqpPublisher {
  #channel: ConfirmChannel | undefined;
  readonly #buffer = new Deque<Pending>();
  readonly #outstanding = new Set<Pending>();
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
    return this.#buffer.length + this.#outstanding.size;
  }

  async attach(model: ChannelModel): Promise<void> {
    const channel = await model.createConfirmChannel();
    channel.on('error', () => {});
    channel.on('close', () => this.#detach(channel));
    this.#channel = channel;
    this.#flush();
  }

  /** The connection is gone: what was sent but not confirmed goes back to the front of the buffer. */
  detached(): void {
    if (this.#channel) this.#detach(this.#channel);
  }

  publish(exchange: string, routingKey: string, content: Buffer, options: Options.Publish): Promise<void> {
    if (this.#closed) return Promise.reject(new BrokerClosedError());
    // The common case takes no extra turn: room in the window, sent at once.
    if (this.pending < this.limit) return this.#enqueue(exchange, routingKey, content, options);
    return this.#waitForRoom().then(() => this.#enqueue(exchange, routingKey, content, options));
  }

  async #waitForRoom(): Promise<void> {
    while (this.pending >= this.limit) {
      await new Promise<void>((resolve) => this.#roomWaiters.push(resolve));
      if (this.#closed) throw new BrokerClosedError();
    }
  }

  #enqueue(exchange: string, routingKey: string, content: Buffer, options: Options.Publish): Promise<void> {
    this.metrics.published();
    return new Promise<void>((resolve, reject) => {
      this.#buffer.push({
        exchange,
        routingKey,
        content,
        options,
        startedAt: performance.now(),
        resolve,
        reject,
      });
      this.#flush();
    });
  }

  /** Resolves once nothing is buffered or unconfirmed (or after `timeoutMs`, failing what is left). */
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
    const left = [...this.#buffer.removeWhere(() => true), ...this.#outstanding];
    this.#outstanding.clear();
    for (const item of left) item.reject(new BrokerClosedError());
    for (const wake of this.#roomWaiters.splice(0)) wake();
    if (left.length > 0)
      this.logger?.error({ unconfirmed: left.length }, 'closed with publishes never confirmed');
  }

  #flush(): void {
    const channel = this.#channel;
    // The window (`limit`) bounds what amqplib buffers, so its write-buffer signal is not needed.
    while (channel && this.#buffer.length > 0) {
      const item = this.#buffer.shift()!;
      item.channel = channel;
      this.#outstanding.add(item);
      try {
        channel.publish(item.exchange, item.routingKey, item.content, item.options, (err) =>
          this.#settle(item, channel, err),
        );
      } catch (error) {
        // The channel closed under us: keep the message and start over on a new connection.
        this.#outstanding.delete(item);
        this.#buffer.unshift(item);
        this.onBroken(error instanceof Error ? error.message : String(error));
        return;
      }
    }
    this.#wakeRoom();
  }

  #settle(item: Pending, channel: ConfirmChannel, err: unknown): void {
    if (item.channel !== channel || !this.#outstanding.has(item)) return;
    if (err && (err as Error).message !== 'message nacked') {
      // "channel closed": not a refusal; `#detach` requeues it.
      return;
    }
    this.#outstanding.delete(item);
    if (err) {
      this.metrics.rejected();
      item.reject(
        new PublishRejectedError(routingKeyForError(item), 'the broker refused it (a queue is full)'),
      );
    } else {
      this.metrics.confirmed(performance.now() - item.startedAt);
      item.resolve();
    }
    this.#checkDrained();
  }

  #detach(channel: ConfirmChannel): void {
    if (this.#channel !== channel) return;
    this.#channel = undefined;
    const unconfirmed = [...this.#outstanding].filter((item) => item.channel === channel);
    for (let i = unconfirmed.length - 1; i >= 0; i--) {
      const item = unconfirmed[i]!;
      this.#outstanding.delete(item);
      item.channel = undefined;
      this.#buffer.unshift(item);
    }
    if (unconfirmed.length > 0)
      this.logger?.warn(
        { unconfirmed: unconfirmed.length },
        'publisher channel lost; resending unconfirmed messages',
      );
  }

  #wakeRoom(): void {
    while (this.#roomWaiters.length > 0 && this.pending < this.limit) this.#roomWaiters.shift()!();
  }

  #checkDrained(): void {
    this.#wakeRoom();
    if (this.pending === 0) for (const done of this.#drained.splice(0)) done();
  }
}

function routingKeyForError(item: Pending): string {
  return item.exchange === '' ? item.routingKey : item.routingKey.slice(item.routingKey.indexOf('.') + 1);
}
