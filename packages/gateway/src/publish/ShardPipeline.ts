/**
 * The path of one shard's dispatches: apply to the cache (one writer, in order), then publish the
 * envelope with a broker confirm. Publishes are pipelined, but `onConfirmed` only ever reports the
 * end of the contiguous prefix of safe envelopes, so a stored `seq` never skips an unsafe one.
 *
 * Safe means confirmed by the broker or, with a spool, fsynced to it: when a publish fails the
 * pipeline switches to the spool, appends that envelope and every later one in order, and drains
 * the spool to the broker once it answers again, then goes back to publishing directly.
 */
import { type Broker, JsonText, type PublishOptions } from '@shardwire/broker';
import type { Cache } from '@shardwire/cache';
import { type Clock, type Envelope, envelopeId, eventRoutingKey, type Logger, sleep } from '@shardwire/core';
import { perType } from '../memo.js';
import { partitionOf } from '../reshard/partition.js';
import { backoffDelay } from '../shard/backoff.js';
import type { Dispatch } from '../shard/shard.js';
import type { DiskSpool } from './spool/DiskSpool.js';

export interface ShardPipelineOptions {
  bot: string;
  shard: number;
  broker: Broker;
  /** Stable partitions: envelopes with a guild carry `partitionOf(guildId, partitions)`. */
  partitions: number;
  cache: Cache;
  clock: Clock;
  /** Envelopes applied or in flight before `push` asks the shard to wait. Default 1,024. */
  maxInFlight?: number;
  /** The contiguous prefix of confirmed envelopes now ends at this dispatch. */
  onConfirmed?: (dispatch: Dispatch) => void;
  /** Publish confirm latency, per envelope. */
  onPublished?: (latencyMs: number) => void;
  /** Where envelopes go while the broker is unreachable; without one, a failed publish is retried in place. */
  spool?: DiskSpool<Envelope>;
  /** A publish not confirmed within this time counts as failed (with a spool). Default 10,000 ms. */
  publishTimeoutMs?: number;
  random?: () => number;
  logger?: Logger;
}

/** pending: applied or being applied, publish under way; failed: bound for the spool. */
type EntryState = 'pending' | 'safe' | 'failed' | 'lost';

interface Entry {
  dispatch: Dispatch;
  envelope: Envelope;
  state: EntryState;
}

/**
 * `envelopeId(bot, shard, session, seq)` up to its seq, made once per session: an id is then this
 * prefix and the seq, two strings, where the template literal makes four concatenations of five
 * pieces per dispatch, and a memory broker group keeps every one it holds.
 */
export function envelopeIdPrefix(bot: string, shard: number, sessionId: string): string {
  const id = envelopeId(bot, shard, sessionId, 0);
  return id.slice(0, id.length - 1);
}

/**
 * The envelope of `dispatch`; one with a guild carries its partition. Each shape is one literal:
 * properties added afterwards would take a second object per envelope (V8 gives a literal no spare
 * in-object slots), and the memory broker keeps every envelope it holds. `idPrefix` is
 * `envelopeIdPrefix` of the dispatch's bot, shard and session.
 */
export function toEnvelope(
  bot: string,
  dispatch: Dispatch,
  partitions: number,
  idPrefix = envelopeIdPrefix(bot, dispatch.shard, dispatch.sessionId),
): Envelope {
  const { shard, seq, t, d, receivedAt, guildId } = dispatch;
  const id = idPrefix + seq;
  if (guildId === undefined) return { id, bot, shard, seq, t, d, receivedAt };
  return { id, bot, shard, seq, t, d, guildId, partition: partitionOf(guildId, partitions), receivedAt };
}

/**
 * `eventRoutingKey(t)`, made once per dispatch type: the same string each time, whose hash the
 * broker's route lookup has already computed, instead of a new concatenation per dispatch.
 */
const routingKeyOf = perType(eventRoutingKey);

/** The broker's options for `envelope`: its id, and its guild as the partition key. */
function publishOptions(envelope: Envelope): PublishOptions {
  return envelope.guildId === undefined
    ? { messageId: envelope.id }
    : { messageId: envelope.id, partitionKey: envelope.guildId };
}

/**
 * What the cache is given: the payload, or for a `d` kept as text (a type the cache keeps nothing
 * of, whose guild id is all it reads: `appliedDispatchTypes`) that guild id alone, so it is not parsed.
 */
function cachePayload(dispatch: Dispatch): unknown {
  if (!(dispatch.d instanceof JsonText)) return dispatch.d;
  return dispatch.guildId === undefined ? {} : { guild_id: dispatch.guildId };
}

export class ShardPipeline {
  readonly #options: ShardPipelineOptions;
  readonly #maxInFlight: number;
  /** Pushed and not yet safe, in push order: `#inFlight[#head]` is the oldest. */
  #inFlight: Entry[] = [];
  #head = 0;
  /** Pushed and not yet applied to the cache (one writer, in order). */
  #toApply: Entry[] = [];
  #applyHead = 0;
  #applying = false;
  /** The front entry is being appended to the spool. */
  #spooling = false;
  #spaceWaiters: (() => void)[] = [];
  #idleWaiters: (() => void)[] = [];
  #closed = false;
  /** `spool` while the broker is unreachable or the spool still holds envelopes. */
  #mode: 'direct' | 'spool';
  /** Envelopes bound for the spool and not yet appended: the spool is not drained while any is. */
  #spoolBound = 0;
  #draining: Promise<void> | undefined;
  /** `envelopeIdPrefix` of this shard and the last session pushed. */
  #idPrefix = '';
  #idSession: string | undefined;

  constructor(options: ShardPipelineOptions) {
    this.#options = options;
    this.#maxInFlight = options.maxInFlight ?? 1_024;
    this.#mode = options.spool && !options.spool.isEmpty ? 'spool' : 'direct';
    if (this.#mode === 'spool') this.#startDrain();
  }

  get inFlight(): number {
    return this.#inFlight.length - this.#head;
  }

  get mode(): 'direct' | 'spool' {
    return this.#mode;
  }

  /** Takes a dispatch; returns a promise only when the pipeline is full (the shard waits on it). */
  push(dispatch: Dispatch): void | Promise<void> {
    const { bot, shard, partitions } = this.#options;
    if (dispatch.sessionId !== this.#idSession) {
      this.#idSession = dispatch.sessionId;
      this.#idPrefix = envelopeIdPrefix(bot, shard, dispatch.sessionId);
    }
    const envelope = toEnvelope(bot, dispatch, partitions, this.#idPrefix);
    const entry: Entry = { dispatch, envelope, state: 'pending' };
    this.#inFlight.push(entry);
    this.#toApply.push(entry);
    if (!this.#applying) void this.#applyLoop();
    if (this.inFlight >= this.#maxInFlight) {
      return new Promise((resolve) => this.#spaceWaiters.push(resolve));
    }
  }

  /** Resolves when every envelope pushed so far is confirmed or spooled. */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Stops retrying and draining (what is unconfirmed is redelivered by a later RESUME or the spool). */
  close(): void {
    this.#closed = true;
  }

  /** The one cache writer: applies entries in push order, starting each publish once it is applied. */
  async #applyLoop(): Promise<void> {
    this.#applying = true;
    const { cache, logger } = this.#options;
    while (this.#applyHead < this.#toApply.length) {
      const entry = this.#toApply[this.#applyHead]!;
      this.#toApply[this.#applyHead++] = undefined as unknown as Entry;
      const { dispatch } = entry;
      try {
        // Most dispatches (messages) are taken at once: the loop waits a turn only for writes.
        const applying = cache.apply(dispatch.t, cachePayload(dispatch), dispatch.shard);
        if (applying) await applying;
      } catch (err) {
        logger?.error(
          { err, shard: dispatch.shard, t: dispatch.t, seq: dispatch.seq },
          'cache update failed; publishing the event anyway',
        );
      }
      if (this.#applyHead >= 1_024) {
        this.#toApply = this.#toApply.slice(this.#applyHead);
        this.#applyHead = 0;
      }
      this.#publish(entry);
    }
    this.#toApply.length = 0;
    this.#applyHead = 0;
    this.#applying = false;
  }

  /** Publishes directly (the usual case: one broker call, one settle) or marks the entry for the spool. */
  #publish(entry: Entry): void {
    const { spool } = this.#options;
    if (spool) {
      if (this.#mode === 'spool') {
        this.#fail(entry);
        return;
      }
      this.#send(entry.envelope).then(
        () => this.#settle(entry, 'safe'),
        (err: unknown) => {
          if (this.#mode === 'direct') {
            this.#options.logger?.warn(
              { err, shard: entry.envelope.shard },
              'broker unreachable: spooling envelopes to disk',
            );
            this.#mode = 'spool';
            this.#startDrain();
          }
          this.#fail(entry);
        },
      );
      return;
    }
    this.#send(entry.envelope).then(
      () => this.#settle(entry, 'safe'),
      (err: unknown) => void this.#retry(entry, err),
    );
  }

  /** Without a spool, a failed publish is retried in place until the broker confirms it. */
  async #retry(entry: Entry, err: unknown): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      if (this.#closed) return this.#settle(entry, 'lost', err);
      await this.#retryDelay(err, entry.envelope, attempt);
      try {
        await this.#send(entry.envelope);
        return this.#settle(entry, 'safe');
      } catch (next) {
        err = next;
      }
    }
  }

  #fail(entry: Entry): void {
    this.#spoolBound++;
    this.#settle(entry, 'failed');
  }

  #settle(entry: Entry, state: EntryState, err?: unknown): void {
    entry.state = state;
    if (state === 'lost') {
      this.#options.logger?.error(
        { err, shard: entry.dispatch.shard, seq: entry.dispatch.seq },
        'envelope not made safe',
      );
    }
    this.#advance();
  }

  async #send(envelope: Envelope): Promise<void> {
    const { broker, clock, spool } = this.#options;
    const started = clock.now();
    const publishing = broker.publish(routingKeyOf(envelope.t), envelope, publishOptions(envelope));
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
    this.#options.onPublished?.(clock.now() - started);
  }

  /** Appends the front entry to the spool (entries bound for it go in push order, one at a time). */
  async #spoolFront(entry: Entry): Promise<void> {
    this.#spooling = true;
    try {
      await this.#options.spool!.append(entry.envelope);
      entry.state = 'safe';
    } catch (err) {
      entry.state = 'lost';
      this.#options.logger?.error(
        { err, shard: entry.dispatch.shard, seq: entry.dispatch.seq },
        'envelope not made safe',
      );
    } finally {
      this.#spoolBound--;
      this.#spooling = false;
    }
    this.#advance();
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
        await sleep(5, undefined, this.#options.clock);
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
    await sleep(delay, undefined, this.#options.clock);
  }

  /**
   * Moves past the safe entries at the front, reporting each in order; an entry bound for the
   * spool is appended when it reaches the front, so the spool keeps push order. An entry that could
   * not be made safe ('lost': closed while retrying, spool append failed) holds the front for good.
   */
  #advance(): void {
    let moved = false;
    const list = this.#inFlight;
    const { onConfirmed } = this.#options;
    while (this.#head < list.length) {
      const entry = list[this.#head]!;
      if (entry.state === 'safe') {
        moved = true;
        list[this.#head++] = undefined as unknown as Entry;
        onConfirmed?.(entry.dispatch);
        continue;
      }
      if (entry.state === 'failed' && !this.#spooling) void this.#spoolFront(entry);
      break;
    }
    if (!moved) return;
    if (this.#head === list.length) {
      list.length = 0;
      this.#head = 0;
    } else if (this.#head >= 1_024) {
      this.#inFlight = list.slice(this.#head);
      this.#head = 0;
    }
    if (this.inFlight < this.#maxInFlight) for (const wake of this.#spaceWaiters.splice(0)) wake();
    if (this.inFlight === 0) for (const wake of this.#idleWaiters.splice(0)) wake();
  }
}
