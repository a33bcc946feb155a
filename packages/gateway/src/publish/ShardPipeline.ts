/**
 * The path of one shard's dispatches: apply to the cache (one writer, in order), then publish the
 * envelope with a broker confirm. Publishes are pipelined, but `onConfirmed` only ever reports the
 * end of the contiguous prefix of safe envelopes, so a stored `seq` never skips an unsafe one.
 *
 * Safe means confirmed by the broker or, with a spool, fsynced to it: when a publish fails the
 * pipeline switches to the spool, appends that envelope and every later one in order, and drains
 * the spool to the broker once it answers again, then goes back to publishing directly.
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
import type { DiskSpool } from './spool/DiskSpool.js';

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
  onPublished?: (envelope: Envelope, latencyMs: number) => void;
  /** Where envelopes go while the broker is unreachable; without one, a failed publish is retried in place. */
  spool?: DiskSpool<Envelope>;
  /** A publish not confirmed within this time counts as failed (with a spool). Default 10,000 ms. */
  publishTimeoutMs?: number;
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
  #settleTail: Promise<void> = Promise.resolve();
  #spaceWaiters: (() => void)[] = [];
  #idleWaiters: (() => void)[] = [];
  #closed = false;
  /** `spool` while the broker is unreachable or the spool still holds envelopes. */
  #mode: 'direct' | 'spool';
  /** Envelopes bound for the spool and not yet appended: the spool is not drained while any is. */
  #spoolBound = 0;
  #draining: Promise<void> | undefined;

  constructor(options: ShardPipelineOptions) {
    this.#options = options;
    this.#mode = options.spool && !options.spool.isEmpty ? 'spool' : 'direct';
    if (this.#mode === 'spool') this.#startDrain();
  }

  get inFlight(): number {
    return this.#inFlight.length;
  }

  get mode(): 'direct' | 'spool' {
    return this.#mode;
  }

  /** Takes a dispatch; returns a promise only when the pipeline is full (the shard waits on it). */
  push(dispatch: Dispatch): void | Promise<void> {
    const entry: Entry = { dispatch, done: false };
    this.#inFlight.push(entry);
    const envelope = toEnvelope(this.#options.bot, dispatch);
    const applied = this.#applyTail.then(() => this.#apply(dispatch));
    this.#applyTail = applied;
    const published = applied.then(() => this.#publish(envelope));
    // Outcomes are settled in push order, so spooled envelopes keep their order.
    this.#settleTail = this.#settleTail
      .then(() => published)
      .then((ok) => (ok ? undefined : this.#toSpool(envelope)))
      .then(
        () => {
          entry.done = true;
          this.#advance();
        },
        (err: unknown) => {
          this.#options.logger?.error(
            { err, shard: dispatch.shard, seq: dispatch.seq },
            'envelope not made safe',
          );
        },
      );
    if (this.#inFlight.length >= (this.#options.maxInFlight ?? 1_024)) {
      return new Promise((resolve) => this.#spaceWaiters.push(resolve));
    }
  }

  /** Resolves when every envelope pushed so far is confirmed or spooled. */
  idle(): Promise<void> {
    if (this.#inFlight.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Stops retrying and draining (what is unconfirmed is redelivered by a later RESUME or the spool). */
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

  /** True once the broker confirmed; false when the envelope must go to the spool. */
  async #publish(envelope: Envelope): Promise<boolean> {
    const { spool } = this.#options;
    if (spool && this.#mode === 'spool') {
      this.#spoolBound++;
      return false;
    }
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#send(envelope);
        return true;
      } catch (err) {
        if (spool) {
          this.#spoolBound++;
          if (this.#mode === 'direct') {
            this.#options.logger?.warn(
              { err, shard: envelope.shard },
              'broker unreachable: spooling envelopes to disk',
            );
            this.#mode = 'spool';
            this.#startDrain();
          }
          return false;
        }
        if (this.#closed) throw err;
        await this.#retryDelay(err, envelope, attempt);
      }
    }
  }

  async #send(envelope: Envelope): Promise<void> {
    const { broker, clock, spool } = this.#options;
    const options = {
      messageId: envelope.id,
      ...(envelope.guildId !== undefined ? { partitionKey: envelope.guildId } : {}),
    };
    const started = clock.now();
    const publishing = broker.publish(eventRoutingKey(envelope.t), envelope, options);
    if (spool) {
      const timeoutMs = this.#options.publishTimeoutMs ?? 10_000;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no broker confirm within ${timeoutMs} ms`)), timeoutMs);
      });
      publishing.catch(() => {});
      try {
        await Promise.race([publishing, timeout]);
      } finally {
        clearTimeout(timer);
      }
    } else {
      await publishing;
    }
    this.#options.onPublished?.(envelope, clock.now() - started);
  }

  async #toSpool(envelope: Envelope): Promise<void> {
    try {
      await this.#options.spool!.append(envelope);
    } finally {
      this.#spoolBound--;
    }
  }

  #startDrain(): void {
    this.#draining ??= this.#drain().finally(() => {
      this.#draining = undefined;
    });
  }

  /** Publishes the spool front to back; goes back to direct publishing once it is empty. */
  async #drain(): Promise<void> {
    const spool = this.#options.spool!;
    let attempt = 0;
    while (!this.#closed) {
      const records = await spool.peek(256);
      if (records.length === 0) {
        if (this.#spoolBound === 0) {
          this.#mode = 'direct';
          this.#options.logger?.info(
            { shard: this.#options.shard },
            'spool drained: publishing directly again',
          );
          return;
        }
        await clockSleep(this.#options.clock, 5);
        continue;
      }
      let end: number | undefined;
      try {
        for (const { record, end: recordEnd } of records) {
          await this.#send(record);
          end = recordEnd;
        }
        attempt = 0;
      } catch (err) {
        await this.#retryDelay(err, records[0]!.record, attempt++);
      }
      if (end !== undefined) await spool.ack(end);
    }
  }

  async #retryDelay(err: unknown, envelope: Envelope, attempt: number): Promise<void> {
    const delay = backoffDelay(attempt + 1, (this.#options.random ?? Math.random)(), {
      baseMs: 100,
      maxMs: 5_000,
    });
    this.#options.logger?.warn(
      { err, shard: envelope.shard, seq: envelope.seq, attempt, delayMs: delay },
      'publish failed; retrying',
    );
    await clockSleep(this.#options.clock, delay);
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
