/**
 * The worker: consumes its group's envelopes from the broker, runs the bot's handlers on each, acks
 * when they finish and nacks when one throws (the broker redelivers, then dead-letters).
 */
import type { Broker, Delivery, Subscription } from '@shardwire/broker';
import { PoisonMessageError } from '@shardwire/broker';
import type { Cache } from '@shardwire/cache';
import {
  type Clock,
  createLogger,
  type Envelope,
  eventRoutingKey,
  type Logger,
  type Registry,
  systemClock,
} from '@shardwire/core';
import type { Rest } from '@shardwire/rest';
import type { CommandDefinition } from './commands/Command.js';
import { CommandRegistry } from './commands/CommandRegistry.js';
import { DEFAULT_PREFIX, type PrefixOption } from './commands/prefix.js';
import type { ContextFor } from './context.js';
import { RecentlyHandled } from './dedupe.js';
import {
  type AnyListener,
  type DispatchResult,
  dispatchEnvelope,
  type Handlers,
  type RawHook,
} from './dispatch.js';
import type { EventName, EventPayload } from './events.js';
import { asEnvelope, classifyFailure } from './failures.js';
import { createWorkerMetrics, noMetrics, type WorkerMetrics } from './metrics.js';

export interface WorkerOptions {
  broker: Broker;
  rest: Rest;
  cache: Cache;
  logger?: Logger;
  /** The consumer group; workers of one group share its envelopes. Default `workers`. */
  group?: string;
  /** Command prefix: one, several, or a (per-guild) async lookup. Default `!`. */
  prefix?: PrefixOption;
  /** Also run commands addressed by mention (`@Bot ping`). Default true. */
  mentionPrefix?: boolean;
  /** Failed deliveries of an envelope before the broker dead-letters it. Default 5. */
  maxDeliveries?: number;
  /** Envelopes handled at once by this worker. Default 32 (the broker's default). */
  prefetch?: number;
  /** Deliver one guild's envelopes in order (needs the gateway's `partitionKey`). Default false. */
  ordered?: boolean;
  /** Envelopes remembered to skip redelivered duplicates in this process. Default 10,000; 0 turns it off. */
  dedupeCapacity?: number;
  clock?: Clock;
  /** How long `stop()` lets handlers in flight finish before aborting their `ctx.signal`. Default 3,000 ms. */
  stopGraceMs?: number;
  /** Registers `shardwire_worker_*` metrics here. */
  metrics?: Registry;
}

export type EventHandler<E extends EventName> = (
  payload: EventPayload<E>,
  context: ContextFor<E>,
) => Promise<void> | void;

export interface Worker {
  /** Runs `handler` on every `event` dispatch with Discord's raw payload `d`. */
  on<E extends EventName>(event: E, handler: EventHandler<E>): this;
  /** Sees every envelope before any other handler; registering one subscribes to every event. */
  raw(hook: RawHook): this;
  /** Adds a prefix command (run for MESSAGE_CREATE from users, never from bots). */
  command(definition: CommandDefinition): this;
  readonly commands: readonly CommandDefinition[];
  readonly group: string;
  /** The broker patterns the worker consumes, from what is registered. */
  patterns(): string[];
  /** Declares the group's queue without consuming, so envelopes published before `start()` wait for it. */
  declare(): Promise<void>;
  /** Starts consuming the group. Register handlers first. */
  start(): Promise<void>;
  /**
   * Stops consuming and waits for handlers in flight; unacked envelopes go back to the group.
   * After `graceMs` (default the worker's `stopGraceMs`) the handlers' `ctx.signal` is aborted.
   */
  stop(options?: { graceMs?: number }): Promise<void>;
  readonly running: boolean;
}

export const DEFAULT_GROUP = 'workers';
export const DEFAULT_MAX_DELIVERIES = 5;
export const DEFAULT_STOP_GRACE_MS = 3_000;

function validGrace(ms: number, name: string): number {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`${name} must be a number of ms >= 0`);
  return ms;
}

export function createWorker(options: WorkerOptions): Worker {
  return new BrokerWorker(options);
}

class BrokerWorker implements Worker {
  readonly group: string;
  readonly #options: WorkerOptions;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #maxDeliveries: number;
  readonly #stopGraceMs: number;
  readonly #metrics: WorkerMetrics;
  readonly #seen: RecentlyHandled;
  readonly #handlers: Handlers;
  // Envelopes being handled now, so a duplicate delivered meanwhile waits for the first to finish.
  readonly #inFlight = new Map<string, Promise<void>>();
  #subscription: Subscription | undefined;
  // Aborted when a stop's grace period runs out; a new one per start.
  #abort = new AbortController();
  #stopping: Promise<void> | undefined;
  #starting: Promise<void> | undefined;

  constructor(options: WorkerOptions) {
    if (!options?.broker || !options.rest || !options.cache) {
      throw new TypeError('createWorker needs { broker, rest, cache }');
    }
    const maxDeliveries = options.maxDeliveries ?? DEFAULT_MAX_DELIVERIES;
    if (!Number.isInteger(maxDeliveries) || maxDeliveries < 1) {
      throw new RangeError('maxDeliveries must be a whole number >= 1');
    }
    this.#options = options;
    this.group = options.group ?? DEFAULT_GROUP;
    this.#logger = options.logger ?? createLogger({ name: 'worker' });
    this.#clock = options.clock ?? systemClock;
    this.#maxDeliveries = maxDeliveries;
    this.#stopGraceMs = validGrace(options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS, 'stopGraceMs');
    this.#metrics = options.metrics ? createWorkerMetrics(options.metrics) : noMetrics;
    this.#seen = new RecentlyHandled(options.dedupeCapacity ?? 10_000);
    this.#handlers = {
      raw: [],
      listeners: new Map(),
      commands: new CommandRegistry(),
      prefix: options.prefix ?? DEFAULT_PREFIX,
      mentionPrefix: options.mentionPrefix ?? true,
    };
  }

  get running(): boolean {
    return this.#subscription !== undefined;
  }

  get commands(): readonly CommandDefinition[] {
    return this.#handlers.commands.list();
  }

  on<E extends EventName>(event: E, handler: EventHandler<E>): this {
    this.#assertStopped('on');
    if (typeof event !== 'string' || event.length === 0)
      throw new TypeError('event name must be a non-empty string');
    if (typeof handler !== 'function') throw new TypeError(`handler for ${event} must be a function`);
    const list = this.#handlers.listeners.get(event) ?? [];
    list.push(handler as unknown as AnyListener);
    this.#handlers.listeners.set(event, list);
    return this;
  }

  raw(hook: RawHook): this {
    this.#assertStopped('raw');
    if (typeof hook !== 'function') throw new TypeError('raw hook must be a function');
    this.#handlers.raw.push(hook);
    return this;
  }

  command(definition: CommandDefinition): this {
    this.#assertStopped('command');
    this.#handlers.commands.add(definition);
    return this;
  }

  patterns(): string[] {
    if (this.#handlers.raw.length > 0) return [eventRoutingKey('#')];
    const events = new Set(this.#handlers.listeners.keys());
    if (this.#handlers.commands.size > 0) events.add('MESSAGE_CREATE');
    return [...events].sort().map(eventRoutingKey);
  }

  async declare(): Promise<void> {
    await this.#options.broker.declareGroup(this.group, this.#requirePatterns());
  }

  start(): Promise<void> {
    if (this.#subscription) return Promise.resolve();
    this.#starting ??= this.#start().finally(() => {
      this.#starting = undefined;
    });
    return this.#starting;
  }

  async #start(): Promise<void> {
    const patterns = this.#requirePatterns();
    this.#abort = new AbortController();
    this.#subscription = await this.#options.broker.consume(
      this.group,
      patterns,
      (delivery) => this.#onDelivery(delivery),
      {
        maxDeliveries: this.#maxDeliveries,
        ...(this.#options.prefetch !== undefined ? { prefetch: this.#options.prefetch } : {}),
        ...(this.#options.ordered !== undefined ? { ordered: this.#options.ordered } : {}),
      },
    );
    this.#logger.info({ group: this.group, patterns, commands: this.commands.length }, 'worker started');
  }

  async stop(options: { graceMs?: number } = {}): Promise<void> {
    await this.#starting?.catch(() => {});
    const subscription = this.#subscription;
    if (!subscription) return this.#stopping;
    this.#subscription = undefined;
    const graceMs = validGrace(options.graceMs ?? this.#stopGraceMs, 'graceMs');
    const abort = this.#abort;
    const timer = this.#clock.setTimeout(() => {
      this.#logger.warn(
        { group: this.group, graceMs },
        'handlers still running after the grace period; aborting them',
      );
      abort.abort(new Error(`worker stopping: handler cut short after ${graceMs} ms`));
    }, graceMs);
    this.#stopping = subscription.close().finally(() => timer.cancel());
    await this.#stopping;
    this.#logger.info({ group: this.group }, 'worker stopped');
  }

  async #onDelivery(delivery: Delivery): Promise<void> {
    const started = this.#clock.now();
    let envelope: Envelope | undefined;
    try {
      envelope = asEnvelope(delivery.body);
      const { ran, skipped } = await this.#handleOnce(envelope, delivery.deliveryCount);
      this.#metrics.envelope(envelope.t, ran === 0 && skipped > 0 ? 'duplicate' : 'handled');
    } catch (error) {
      const failure = classifyFailure(error);
      this.#logFailure(delivery, envelope, failure);
      throw failure;
    } finally {
      this.#metrics.handleTime(envelope?.t ?? 'unknown', (this.#clock.now() - started) / 1000);
    }
  }

  /** Handles the envelope, after any copy of it this process is handling already has finished. */
  async #handleOnce(envelope: Envelope, deliveryCount: number): Promise<DispatchResult> {
    for (let pending = this.#inFlight.get(envelope.id); pending; pending = this.#inFlight.get(envelope.id)) {
      await pending.catch(() => {});
    }
    const run = dispatchEnvelope(
      this.#handlers,
      {
        envelope,
        deliveryCount,
        rest: this.#options.rest,
        cache: this.#options.cache,
        logger: this.#logger,
        clock: this.#clock,
        signal: this.#abort.signal,
      },
      this.#seen,
    );
    this.#inFlight.set(
      envelope.id,
      // Settled either way: waiters only need to know it is over (the failure is the broker's to handle).
      run.then(
        () => {},
        () => {},
      ),
    );
    try {
      return await run;
    } finally {
      this.#inFlight.delete(envelope.id);
    }
  }

  #logFailure(delivery: Delivery, envelope: Envelope | undefined, error: unknown): void {
    const poison = error instanceof PoisonMessageError;
    const final = poison || delivery.deliveryCount >= this.#maxDeliveries;
    const fields = {
      group: this.group,
      routingKey: delivery.routingKey,
      envelopeId: envelope?.id ?? delivery.messageId,
      t: envelope?.t,
      delivery: delivery.deliveryCount,
      maxDeliveries: this.#maxDeliveries,
      err: error,
    };
    this.#metrics.envelope(envelope?.t ?? 'unknown', final ? 'dead_lettered' : 'retry');
    if (final) {
      const why = poison ? 'it can never succeed' : `${delivery.deliveryCount} failed deliveries`;
      this.#logger.error(fields, `envelope dead-lettered after ${why}`);
    } else {
      this.#logger.warn(fields, 'handler failed; the envelope will be redelivered');
    }
  }

  #requirePatterns(): string[] {
    const patterns = this.patterns();
    if (patterns.length === 0)
      throw new Error('the worker has no handlers: register on(), raw() or command() first');
    return patterns;
  }

  #assertStopped(method: string): void {
    if (this.#subscription || this.#starting) {
      throw new Error(
        `worker.${method}() must be called before start() (stop() the worker to change handlers)`,
      );
    }
  }
}
