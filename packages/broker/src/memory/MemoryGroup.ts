/** One consumer group of the memory broker: its waiting messages, its consumers, its rules. */
import type { Clock, Logger, Timer } from '@shardwire/core';
import { type Delivery, type Handler, PoisonMessageError } from '../Broker.js';
import { QUEUE_FILL_WARNING } from '../deps.js';
import { reasonOf } from '../errors.js';
import type { BrokerMetrics } from '../metrics.js';
import { compileTopics, type TopicMatcher } from '../topic.js';
import { ReadyQueue } from './ReadyQueue.js';

export interface StoredMessage {
  readonly seq: number;
  readonly routingKey: string;
  /** Frozen: shared by every group and delivery (see `shareBody`). */
  readonly body: unknown;
  readonly messageId: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly partitionKey: string | undefined;
  readonly enqueuedAt: number;
  deliveries: number;
}

export type DeadLetterSink = (group: string, message: StoredMessage, reason: string) => void;

interface Consumer {
  readonly handler: Handler<unknown>;
  readonly prefetch: number;
  readonly maxDeliveries: number;
  inFlight: number;
  closing: boolean;
  idle?: () => void;
}

export interface GroupSettings {
  maxLength?: number;
  maxAgeMs?: number;
  ordered?: boolean;
}

export class MemoryGroup {
  readonly #patterns = new Set<string>();
  #matcher: TopicMatcher = () => false;
  #ready: ReadyQueue<StoredMessage> = new ReadyQueue(false);
  readonly #consumers: Consumer[] = [];
  #next = 0;
  #dispatching = false;
  #again = false;
  /** A dispatch is queued for this turn: the messages and acks that come before it share it. */
  #scheduled = false;
  #maxLength: number | undefined;
  #maxAgeMs: number | undefined;
  #sweep: Timer | undefined;
  #warned = false;

  constructor(
    readonly name: string,
    private readonly clock: Clock,
    private readonly metrics: BrokerMetrics,
    private readonly logger: Logger | undefined,
    private readonly deadLetter: DeadLetterSink,
  ) {}

  get depth(): number {
    return this.#ready.size;
  }

  configure(patterns: readonly string[], settings: GroupSettings): void {
    const before = this.#patterns.size;
    for (const p of patterns) this.#patterns.add(p);
    if (this.#patterns.size !== before) this.#matcher = compileTopics([...this.#patterns]);
    if (settings.maxLength !== undefined) this.#maxLength = settings.maxLength;
    if (settings.maxAgeMs !== undefined) this.#maxAgeMs = settings.maxAgeMs;
    if (settings.ordered && !this.#ready.ordered) {
      const ordered = new ReadyQueue<StoredMessage>(true);
      for (const message of this.#ready) ordered.push(message);
      this.#ready = ordered;
    }
  }

  matches(routingKey: string): boolean {
    return this.#matcher(routingKey);
  }

  /** Whether one more message fits under `maxLength`. */
  hasRoom(): boolean {
    return this.#maxLength === undefined || this.#ready.size < this.#maxLength;
  }

  enqueue(message: StoredMessage): void {
    this.#ready.push(message);
    this.#checkFill();
    this.#scheduleSweep();
    this.#schedule();
  }

  addConsumer(handler: Handler<unknown>, prefetch: number, maxDeliveries: number): () => Promise<void> {
    const consumer: Consumer = { handler, prefetch, maxDeliveries, inFlight: 0, closing: false };
    this.#consumers.push(consumer);
    this.#schedule();
    return () => {
      consumer.closing = true;
      const at = this.#consumers.indexOf(consumer);
      if (at >= 0) this.#consumers.splice(at, 1);
      if (consumer.inFlight === 0) return Promise.resolve();
      return new Promise<void>((resolve) => (consumer.idle = resolve));
    };
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      this.#dispatch();
    });
  }

  stop(): void {
    this.#sweep?.cancel();
    this.#sweep = undefined;
  }

  #dispatch(): void {
    if (this.#dispatching) {
      this.#again = true;
      return;
    }
    this.#dispatching = true;
    try {
      do {
        this.#again = false;
        while (this.#ready.size > 0) {
          const consumer = this.#pickConsumer();
          if (!consumer) break;
          const message = this.#ready.take();
          if (!message) break;
          if (this.#expired(message)) {
            this.#ready.release(message);
            this.#kill(message, `expired: waited longer than ${this.#maxAgeMs} ms`);
            continue;
          }
          this.#deliver(consumer, message);
        }
      } while (this.#again);
    } finally {
      this.#dispatching = false;
    }
    if (this.#maxLength !== undefined && this.#ready.size < this.#maxLength * 0.5) this.#warned = false;
  }

  // Round robin over the consumers that have room: load goes to whoever is free.
  #pickConsumer(): Consumer | undefined {
    const count = this.#consumers.length;
    for (let i = 0; i < count; i++) {
      const consumer = this.#consumers[(this.#next + i) % count]!;
      if (consumer.inFlight < consumer.prefetch) {
        this.#next = (this.#next + i + 1) % count;
        return consumer;
      }
    }
    return undefined;
  }

  #deliver(consumer: Consumer, message: StoredMessage): void {
    message.deliveries++;
    consumer.inFlight++;
    this.metrics.delivered(this.name, message.deliveries > 1);
    const delivery: Delivery<unknown> = {
      routingKey: message.routingKey,
      body: message.body,
      messageId: message.messageId,
      headers: message.headers,
      deliveryCount: message.deliveries,
    };
    // A handler that returns no promise is settled at once: no promise or turn per message for it.
    let handled: Promise<void> | void;
    try {
      handled = consumer.handler(delivery);
    } catch (error) {
      this.#settle(consumer, message, true, error);
      return;
    }
    if (typeof (handled as PromiseLike<void> | undefined)?.then !== 'function') {
      this.#settle(consumer, message, false);
      return;
    }
    (handled as PromiseLike<void>).then(
      () => this.#settle(consumer, message, false),
      (error: unknown) => this.#settle(consumer, message, true, error),
    );
  }

  /** Acks `message`, or when its handler `failed` dead-letters or requeues it; frees the consumer's slot. */
  #settle(consumer: Consumer, message: StoredMessage, failed: boolean, failure?: unknown): void {
    if (!failed) {
      this.metrics.acked(this.name);
    } else if (failure instanceof PoisonMessageError) {
      this.metrics.nacked(this.name);
      this.#kill(message, `poison: ${failure.message}`);
    } else {
      this.metrics.nacked(this.name);
      if (message.deliveries >= consumer.maxDeliveries) {
        this.#kill(message, `failed ${message.deliveries} deliveries, last: ${reasonOf(failure)}`);
      } else {
        this.logger?.debug({ group: this.name, err: failure }, 'handler failed, message will be redelivered');
        this.#ready.requeue(message);
      }
    }
    this.#ready.release(message);
    consumer.inFlight--;
    if (consumer.closing && consumer.inFlight === 0) consumer.idle?.();
    // Settled inside the dispatch loop, the loop itself takes what is ready next.
    if (!this.#dispatching) this.#schedule();
  }

  #kill(message: StoredMessage, reason: string): void {
    this.metrics.deadLettered(this.name);
    this.logger?.warn({ group: this.name, messageId: message.messageId, reason }, 'message dead-lettered');
    this.deadLetter(this.name, message, reason);
  }

  #expired(message: StoredMessage): boolean {
    return this.#maxAgeMs !== undefined && this.clock.now() - message.enqueuedAt >= this.#maxAgeMs;
  }

  #checkFill(): void {
    if (this.#maxLength === undefined || this.#warned) return;
    if (this.#ready.size >= this.#maxLength * QUEUE_FILL_WARNING) {
      this.#warned = true;
      this.logger?.warn(
        { group: this.name, depth: this.#ready.size, maxLength: this.#maxLength },
        'group queue is filling up; publishes will be refused when it is full',
      );
    }
  }

  // Messages that wait past maxAgeMs go to the dead-letter queue even when no consumer is online.
  #scheduleSweep(): void {
    if (this.#maxAgeMs === undefined || this.#sweep) return;
    let oldest = Number.POSITIVE_INFINITY;
    for (const message of this.#ready) oldest = Math.min(oldest, message.enqueuedAt);
    if (oldest === Number.POSITIVE_INFINITY) return;
    const due = Math.max(0, oldest + this.#maxAgeMs - this.clock.now());
    this.#sweep = this.clock.setTimeout(() => {
      this.#sweep = undefined;
      for (const message of this.#ready.removeWhere((m) => this.#expired(m)))
        this.#kill(message, `expired: waited longer than ${this.#maxAgeMs} ms`);
      this.#scheduleSweep();
    }, due);
  }
}
