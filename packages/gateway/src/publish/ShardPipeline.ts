/**
 * The path of one shard's dispatches: apply to the cache (one writer, in order), then publish the
 * envelope with a broker confirm. Publishes are pipelined, but `onConfirmed` only ever reports the
 * end of the contiguous confirmed prefix, so a stored `seq` never skips an unconfirmed envelope.
 */
import type { Broker } from '@shardwire/broker';
import type { Cache } from '@shardwire/cache';
import {
  type Clock,
  type Envelope,
  envelopeId,
  eventRoutingKey,
  guildIdOf,
  type Logger,
} from '@shardwire/core';
import { clockSleep } from '../clockSleep.js';
import { backoffDelay } from '../shard/backoff.js';
import type { Dispatch } from '../shard/shard.js';

export interface ShardPipelineOptions {
  bot: string;
  shard: number;
  broker: Broker;
  cache: Cache;
  clock: Clock;
  /** Envelopes applied or in flight before `push` asks the shard to wait. Default 1,024. */
  maxInFlight?: number;
  /** The contiguous prefix of confirmed envelopes now ends at this dispatch. */
  onConfirmed?: (dispatch: Dispatch) => void;
  /** Publish confirm latency, per envelope. */
  onPublished?: (dispatch: Dispatch, latencyMs: number) => void;
  random?: () => number;
  logger?: Logger;
}

interface Entry {
  dispatch: Dispatch;
  done: boolean;
}

export function toEnvelope(bot: string, dispatch: Dispatch): Envelope {
  const guildId = guildIdOf(dispatch.t, dispatch.d);
  const envelope: Envelope = {
    id: envelopeId(bot, dispatch.shard, dispatch.sessionId, dispatch.seq),
    bot,
    shard: dispatch.shard,
    seq: dispatch.seq,
    t: dispatch.t,
    d: dispatch.d,
    receivedAt: dispatch.receivedAt,
  };
  if (guildId !== undefined) envelope.guildId = guildId;
  return envelope;
}

export class ShardPipeline {
  readonly #options: ShardPipelineOptions;
  #inFlight: Entry[] = [];
  #applyTail: Promise<void> = Promise.resolve();
  #spaceWaiters: (() => void)[] = [];
  #idleWaiters: (() => void)[] = [];
  #closed = false;

  constructor(options: ShardPipelineOptions) {
    this.#options = options;
  }

  get inFlight(): number {
    return this.#inFlight.length;
  }

  /** Takes a dispatch; returns a promise only when the pipeline is full (the shard waits on it). */
  push(dispatch: Dispatch): void | Promise<void> {
    const entry: Entry = { dispatch, done: false };
    this.#inFlight.push(entry);
    const applied = this.#applyTail.then(() => this.#apply(dispatch));
    this.#applyTail = applied;
    void applied
      .then(() => this.#publish(dispatch))
      .then(() => {
        entry.done = true;
        this.#advance();
      });
    if (this.#inFlight.length >= (this.#options.maxInFlight ?? 1_024)) {
      return new Promise((resolve) => this.#spaceWaiters.push(resolve));
    }
  }

  /** Resolves when every envelope pushed so far is confirmed. */
  idle(): Promise<void> {
    if (this.#inFlight.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Stops retrying failed publishes (their envelopes stay unconfirmed, so they are redelivered). */
  close(): void {
    this.#closed = true;
  }

  async #apply(dispatch: Dispatch): Promise<void> {
    try {
      await this.#options.cache.apply(dispatch.t, dispatch.d, dispatch.shard);
    } catch (err) {
      this.#options.logger?.error(
        { err, shard: dispatch.shard, t: dispatch.t, seq: dispatch.seq },
        'cache update failed; publishing the event anyway',
      );
    }
  }

  async #publish(dispatch: Dispatch): Promise<void> {
    const { broker, clock, bot } = this.#options;
    const envelope = toEnvelope(bot, dispatch);
    const options = {
      messageId: envelope.id,
      ...(envelope.guildId !== undefined ? { partitionKey: envelope.guildId } : {}),
    };
    for (let attempt = 0; ; attempt++) {
      const started = clock.now();
      try {
        await broker.publish(eventRoutingKey(envelope.t), envelope, options);
        this.#options.onPublished?.(dispatch, clock.now() - started);
        return;
      } catch (err) {
        if (this.#closed) throw err;
        const delay = backoffDelay(attempt + 1, (this.#options.random ?? Math.random)(), {
          baseMs: 100,
          maxMs: 5_000,
        });
        this.#options.logger?.warn(
          { err, shard: dispatch.shard, seq: dispatch.seq, attempt, delayMs: delay },
          'publish failed; retrying',
        );
        await clockSleep(clock, delay);
      }
    }
  }

  #advance(): void {
    let last: Entry | undefined;
    while (this.#inFlight.length > 0 && this.#inFlight[0]!.done) last = this.#inFlight.shift();
    if (!last) return;
    this.#options.onConfirmed?.(last.dispatch);
    const max = this.#options.maxInFlight ?? 1_024;
    if (this.#inFlight.length < max) for (const wake of this.#spaceWaiters.splice(0)) wake();
    if (this.#inFlight.length === 0) for (const wake of this.#idleWaiters.splice(0)) wake();
  }
}
