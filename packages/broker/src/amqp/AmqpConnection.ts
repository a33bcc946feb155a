/** One RabbitMQ connection that comes back by itself: reconnects with backoff and re-runs setup. */
import type { Logger } from '@shardwire/core';
import { type ChannelModel, connect } from 'amqplib';
import { retryFor } from '../retry.js';

export type OnConnected = (model: ChannelModel) => Promise<void>;

export class AmqpConnection {
  #model: ChannelModel | undefined;
  #closed = false;
  #attempt = 0;
  #timer: NodeJS.Timeout | undefined;
  readonly #onDown = new Set<() => void>();

  constructor(
    private readonly url: string,
    private readonly display: string,
    private readonly setup: OnConnected,
    private readonly logger: Logger | undefined,
    private readonly backoff = { initialMs: 100, maxMs: 5_000 },
  ) {}

  get model(): ChannelModel | undefined {
    return this.#model;
  }

  /** Connects, retrying for a few seconds; then a failure is an error (a wrong URL should stop the service). */
  async start(): Promise<void> {
    try {
      await retryFor(() => this.#connect());
    } catch (error) {
      this.#closed = true;
      throw new Error(`cannot connect to RabbitMQ at ${this.display}: ${describe(error)}`);
    }
  }

  /** Runs when the connection drops (before reconnecting). */
  onDown(listener: () => void): void {
    this.#onDown.add(listener);
  }

  /** Drops the connection on purpose (a channel broke): everything is set up again on reconnect. */
  reset(reason: string): void {
    const model = this.#model;
    if (!model) return;
    this.logger?.warn({ reason }, 'resetting the RabbitMQ connection');
    model.close().catch(() => {});
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    const model = this.#model;
    this.#model = undefined;
    await model?.close().catch(() => {});
  }

  async #connect(): Promise<void> {
    const model = await connect(this.url, { clientProperties: { connection_name: 'shardwire' } });
    model.on('error', (err: Error) =>
      this.logger?.warn({ err: { message: describe(err) } }, 'RabbitMQ connection error'),
    );
    model.on('close', () => this.#lost(model));
    model.on('blocked', (reason: string) => this.logger?.warn({ reason }, 'RabbitMQ blocked publishing'));
    this.#model = model;
    try {
      await this.setup(model);
    } catch (error) {
      if (this.#model === model) this.#model = undefined;
      await model.close().catch(() => {});
      throw error;
    }
    this.#attempt = 0;
    this.logger?.info({ at: this.display }, 'connected to RabbitMQ');
  }

  #lost(model: ChannelModel): void {
    if (this.#model !== model && this.#model !== undefined) return;
    this.#model = undefined;
    for (const listener of this.#onDown) listener();
    if (this.#closed) return;
    this.logger?.warn({ at: this.display }, 'lost the RabbitMQ connection, reconnecting');
    this.#schedule();
  }

  #schedule(): void {
    if (this.#closed || this.#timer) return;
    const delay = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** this.#attempt++);
    const jittered = delay * (0.75 + Math.random() * 0.5);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#closed) return;
      this.#connect().catch((error: unknown) => {
        this.logger?.debug({ err: { message: describe(error) } }, 'RabbitMQ reconnect failed');
        this.#schedule();
      });
    }, jittered);
  }
}

/** An error's message without anything that could hold a password (URLs). */
export function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\/\/[^@/\s]*@/g, '//[redacted]@');
}
