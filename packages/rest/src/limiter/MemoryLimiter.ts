/** The limiter with its state in this process: per-bucket FIFO queues, learned bucket hashes, global limits. */
import { type Clock, systemClock } from '@shardwire/core';
import type { Route } from '../routes.js';
import { Bucket, current, type Waiter } from './bucket.js';
import { GlobalLimits, type GlobalPlace } from './globalLimits.js';
import { type RateLimitHeaders, readRateLimit } from './headers.js';
import {
  type AcquireOptions,
  DeadlineError,
  type Limiter,
  LimiterClosedError,
  type LimiterStats,
  type Permit,
  QueueFullError,
  type RateLimitOutcome,
} from './Limiter.js';
import type { GateAnswer, GateRequest, GateUpdate, LimiterGate } from './LimiterGate.js';

export interface MemoryLimiterOptions {
  clock?: Clock;
  /** Requests per second per identity (default 50); return another number for a bot that has more. */
  globalLimit?: number | ((identity: string) => number);
  /** Waiters per bucket before new ones are refused with a `QueueFullError` (default 10,000). */
  maxQueue?: number;
  /** Bucket hashes already learned (`bucketRoute` → hash), e.g. from a shared store. */
  hashes?: Iterable<[string, string]>;
  /** Told of each newly learned hash, so a store can keep it across restarts. */
  onHashLearned?: (bucketRoute: string, hash: string) => void;
  /** An idle bucket is forgotten after this long (default 10 minutes). */
  idleMs?: number;
  /**
   * Shared state (Redis) asked before each send, so several instances keep one set of limits and
   * one queue per bucket: each request takes a ticket on arrival and goes in ticket order.
   */
  gate?: LimiterGate;
  /** Told when the gate fails; the request then goes on this instance's knowledge alone. */
  onGateError?: (error: unknown) => void;
}

const SWEEP_EVERY_MS = 60_000;
/** `#sendAt`: nothing to wait for but an answer already in flight. */
const AFTER_AN_ANSWER = -1;

export class MemoryLimiter implements Limiter {
  readonly #clock: Clock;
  readonly #global: GlobalLimits;
  readonly #maxQueue: number;
  readonly #idleMs: number;
  readonly #onHashLearned: ((bucketRoute: string, hash: string) => void) | undefined;
  readonly #hashes: Map<string, string>;
  readonly #buckets = new Map<string, Bucket>();
  /**
   * The bucket a route (a cached `Route` object, as the proxy keeps them) last went to, for which
   * identity, while no hash was learned since: the same request again finds its bucket with one
   * lookup instead of three (a hash, a key built and hashed, the bucket).
   */
  readonly #lastBucket = new WeakMap<Route, { identity: string; hashesLearned: number; bucket: Bucket }>();
  /** Counts changes to `#hashes`: a route's bucket may have changed with any of them. */
  #hashesLearned = 0;
  readonly #gate: LimiterGate | undefined;
  readonly #onGateError: (error: unknown) => void;
  readonly #globalLimit: (identity: string) => number;
  #lastSweep = 0;
  #closed = false;

  constructor(options: MemoryLimiterOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    const limit = options.globalLimit ?? 50;
    this.#globalLimit = typeof limit === 'number' ? () => limit : limit;
    this.#global = new GlobalLimits(this.#globalLimit);
    this.#gate = options.gate;
    this.#onGateError = options.onGateError ?? (() => {});
    this.#maxQueue = options.maxQueue ?? 10_000;
    this.#idleMs = options.idleMs ?? 600_000;
    this.#onHashLearned = options.onHashLearned;
    this.#hashes = new Map(options.hashes);
  }

  /** Hashes learned elsewhere (another instance): used for buckets made from now on. */
  addHashes(entries: Iterable<[string, string]>): void {
    for (const [bucketRoute, hash] of entries)
      if (!this.#hashes.has(bucketRoute)) {
        this.#hashes.set(bucketRoute, hash);
        this.#hashesLearned++;
      }
  }

  /** The bucket hash learned for a bucket route, if any. */
  hashOf(bucketRoute: string): string | undefined {
    return this.#hashes.get(bucketRoute);
  }

  tryAcquire(options: AcquireOptions): Permit | undefined {
    // With a gate every send asks the shared state first: never at once.
    if (this.#closed || this.#gate || options.signal?.aborted) return undefined;
    const now = this.#clock.now();
    const bucket = this.#touch(options, now);
    return bucket.queue.length === 0 && this.#sendAt(bucket, options, now) === 0
      ? this.#grant(bucket, options, undefined, this.#global.lastTaken())
      : undefined;
  }

  acquire(options: AcquireOptions): Promise<Permit> {
    if (this.#closed) return Promise.reject(new LimiterClosedError());
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const now = this.#clock.now();
    const bucket = this.#touch(options, now);
    if (bucket.queue.length >= this.#maxQueue && !options.retry) {
      return Promise.reject(new QueueFullError(this.#estimateWait(bucket, now)));
    }
    // Nobody waiting and room now: no waiter, no listeners.
    if (bucket.queue.length === 0 && !this.#gate && this.#sendAt(bucket, options, now) === 0) {
      return Promise.resolve(this.#grant(bucket, options, undefined, this.#global.lastTaken()));
    }
    return new Promise<Permit>((resolve, reject) => {
      let deadlineTimer: { cancel(): void } | undefined;
      const onAbort = () => this.#drop(waiter, signal!.reason);
      const waiter: Waiter = {
        options,
        priority: options.retry ? 2 : options.route.interaction ? 1 : 0,
        resolve,
        reject,
        release: () => {
          deadlineTimer?.cancel();
          signal?.removeEventListener('abort', onAbort);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (options.deadline !== undefined) {
        deadlineTimer = this.#clock.setTimeout(
          () =>
            this.#drop(
              waiter,
              new DeadlineError(this.#estimateWait(this.#bucketOf(waiter), this.#clock.now())),
            ),
          options.deadline - now,
        );
      }
      bucket.enqueue(waiter);
      // With a gate, the ticket is taken now: its order is the order requests reached any instance.
      if (this.#gate) this.#ask(waiter);
      else this.#drain(bucket);
    });
  }

  stats(): LimiterStats {
    let queued = 0;
    let inFlight = 0;
    for (const bucket of this.#buckets.values()) {
      queued += bucket.queue.length;
      inFlight += bucket.inFlight;
    }
    return { buckets: this.#buckets.size, queued, inFlight };
  }

  close(): void {
    this.#closed = true;
    for (const bucket of this.#buckets.values()) {
      bucket.cancelTimer();
      for (const waiter of [...bucket.queue]) this.#drop(waiter, new LimiterClosedError());
    }
    this.#buckets.clear();
    this.#gate?.close();
  }

  /** The request's bucket (made if new), marked as used now. */
  #touch(options: AcquireOptions, now: number): Bucket {
    this.#maybeSweep(now);
    const { route, identity } = options;
    const last = this.#lastBucket.get(route);
    let bucket =
      last !== undefined &&
      last.identity === identity &&
      last.hashesLearned === this.#hashesLearned &&
      !last.bucket.forgotten
        ? last.bucket
        : undefined;
    if (bucket === undefined) {
      const hash = this.#hashes.get(route.bucketRoute);
      const key = `${hash ?? route.bucketRoute}|${route.major}|${identity}`;
      bucket = this.#buckets.get(key);
      if (!bucket) {
        bucket = new Bucket(key, hash === undefined);
        this.#buckets.set(key, bucket);
      }
      this.#lastBucket.set(route, { identity, hashesLearned: this.#hashesLearned, bucket });
    }
    bucket.lastUsed = now;
    return bucket;
  }

  #bucketOf(waiter: Waiter): Bucket | undefined {
    return waiter.bucket && current(waiter.bucket);
  }

  /** Takes a waiter out of its queue and rejects it; its shared ticket goes too. */
  #drop(waiter: Waiter, reason: unknown): void {
    const bucket = this.#bucketOf(waiter);
    if (!bucket?.remove(waiter)) return;
    waiter.bucket = undefined;
    waiter.release();
    waiter.reject(reason);
    // While it is asking, the answer gives the ticket (or the place) back.
    if (waiter.ticket !== undefined && !waiter.asking) this.#gate!.leave(waiter.ticketKey!, waiter.ticket);
  }

  /** Sends as many waiters as the bucket and the global limit allow; schedules itself for the rest. */
  #drain(bucket: Bucket): void {
    while (bucket.queue.length > 0) {
      const now = this.#clock.now();
      const head = bucket.queue[0]!;
      if (this.#gate && !head.ungated) {
        // The shared queue decides: the head asks again, unless an answer or a timer will drain.
        if (!head.asking && !bucket.timer) this.#ask(head);
        return;
      }
      const sendAt = this.#sendAt(bucket, head.options, now);
      if (sendAt === AFTER_AN_ANSWER) return; // an answer in flight will drain again
      if (sendAt > 0) {
        this.#refuseLate(bucket, sendAt, now);
        if (bucket.queue.length > 0) this.#schedule(bucket, sendAt, now);
        return;
      }
      this.#send(bucket, undefined, this.#global.lastTaken());
    }
  }

  /**
   * 0 when a request of `options` may go now (its global place is then taken), the time it may go,
   * or `AFTER_AN_ANSWER` when only an answer in flight can tell.
   */
  #sendAt(bucket: Bucket, options: AcquireOptions, now: number): number {
    if (bucket.blockedUntil > now) return bucket.blockedUntil;
    if (!bucket.known) {
      if (bucket.inFlight > 0) return AFTER_AN_ANSWER; // one probe at a time
    } else if (!bucket.unlimited) {
      if (bucket.resetAt <= now) {
        // A new window: its end is learned from the first answer sent in it. Requests still in
        // flight may land in it, so they count against it.
        bucket.remaining = Math.max(0, bucket.limit - bucket.inFlight - bucket.carry);
        bucket.carry = 0;
        bucket.resetAt = Number.POSITIVE_INFINITY;
        bucket.epoch++;
      }
      if (bucket.remaining <= 0) {
        if (bucket.resetAt === Number.POSITIVE_INFINITY) {
          if (bucket.inFlight > 0) return AFTER_AN_ANSWER; // it will tell when this window ends
          bucket.resetAt = now + bucket.windowMs;
        }
        return bucket.resetAt;
      }
    }
    if (options.route.globalExempt) return 0;
    const globalWait = this.#global.take(options.identity, now);
    return globalWait > 0 ? now + globalWait : 0;
  }

  /** Gives the head of the queue its permit. */
  #send(bucket: Bucket, gated: Gated | undefined, place: GlobalPlace | undefined): void {
    const head = bucket.queue.shift()!;
    head.release();
    head.resolve(this.#grant(bucket, head.options, gated, place));
  }

  #grant(
    bucket: Bucket,
    options: AcquireOptions,
    gated: Gated | undefined,
    place: GlobalPlace | undefined,
  ): Permit {
    if (bucket.known && !bucket.unlimited) bucket.remaining--;
    bucket.inFlight++;
    return this.#permit(bucket, options, gated, place);
  }

  /**
   * One round trip to the shared queue for `waiter`: on arrival it takes a ticket (and a place, when
   * it is first and the bucket has room); later, as its bucket's head, it asks again with it.
   */
  #ask(waiter: Waiter): void {
    waiter.asking = true;
    const { route, identity } = waiter.options;
    const key = this.#bucketOf(waiter)!.key;
    const request: GateRequest = {
      bucketKey: key,
      identity,
      globalLimit: this.#globalLimit(identity),
      exempt: route.globalExempt,
      priority: waiter.priority,
    };
    if (waiter.ticket !== undefined) request.ticket = waiter.ticket;
    this.#gate!.reserve(request).then(
      (answer) => this.#answered(waiter, key, answer),
      (error) => {
        this.#onGateError(error);
        this.#answered(waiter, key, undefined);
      },
    );
  }

  #answered(waiter: Waiter, key: string, answer: GateAnswer | undefined): void {
    waiter.asking = false;
    const gate = this.#gate!;
    const bucket = this.#bucketOf(waiter);
    if (!bucket || this.#closed) {
      // It left while asking: give the ticket or the place back.
      if (answer?.waitMs === 0) gate.update(key, waiter.options.identity, gatedUpdate(answer, {}));
      else if (answer) gate.leave(key, answer.ticket);
      return;
    }
    if (!answer) {
      if (waiter.ticket !== undefined) gate.leave(key, waiter.ticket);
      waiter.ticket = undefined;
      waiter.ungated = true;
      this.#drain(bucket);
      return;
    }
    if (answer.movedTo !== undefined) {
      // The route's shared state says it is Discord's bucket `movedTo` (an answer told an instance):
      // join that bucket's queue. Learning it asks again for every waiter of the route, this one too.
      waiter.ticket = undefined;
      if (bucket.routeKeyed) this.#learnHash(bucket, waiter.options, answer.movedTo);
      else this.#ask(waiter); // re-keyed while it asked
      return;
    }
    if (bucket.key !== key) {
      // Its bucket was re-keyed to a learned hash while it asked: that place or ticket is the old
      // key's; give it back and queue under the new key.
      if (answer.waitMs === 0) gate.update(key, waiter.options.identity, gatedUpdate(answer, {}));
      else gate.leave(key, answer.ticket);
      waiter.ticket = undefined;
      this.#ask(waiter);
      return;
    }
    const renewed = waiter.ticket !== answer.ticket;
    waiter.ticket = answer.ticket;
    waiter.ticketKey = key;
    const now = this.#clock.now();
    if (answer.waitMs === 0) {
      bucket.remove(waiter);
      waiter.bucket = undefined;
      waiter.release();
      waiter.resolve(
        this.#grant(bucket, waiter.options, { key, answer, routeKeyed: bucket.routeKeyed }, undefined),
      );
      this.#drain(bucket);
      return;
    }
    if (renewed) bucket.placeByTicket(waiter);
    // Nobody behind can go before this wait is over.
    this.#refuseLate(bucket, now + answer.waitMs, now);
    if (bucket.queue[0] === waiter) this.#schedule(bucket, now + answer.waitMs, now);
    else this.#drain(bucket);
  }

  /** Waiters whose deadline falls before the bucket can next send get a fast `DeadlineError`. */
  #refuseLate(bucket: Bucket, waitUntil: number, now: number): void {
    for (const waiter of [...bucket.queue]) {
      const deadline = waiter.options.deadline;
      if (deadline !== undefined && deadline < waitUntil)
        this.#drop(waiter, new DeadlineError(waitUntil - now));
    }
  }

  #schedule(bucket: Bucket, due: number, now: number): void {
    if (bucket.timer && bucket.timerDue === due) return;
    bucket.cancelTimer();
    bucket.timerDue = due;
    bucket.timer = this.#clock.setTimeout(() => {
      bucket.timer = undefined;
      bucket.timerDue = 0;
      this.#drain(current(bucket));
    }, due - now);
  }

  #estimateWait(bucket: Bucket | undefined, now: number): number {
    if (!bucket) return 1000;
    const due = Math.max(bucket.blockedUntil, bucket.timerDue);
    if (due > now) return due - now;
    if (bucket.known && bucket.resetAt > now && bucket.resetAt !== Number.POSITIVE_INFINITY)
      return bucket.resetAt - now;
    return bucket.windowMs;
  }

  #permit(
    sentFrom: Bucket,
    options: AcquireOptions,
    gated: Gated | undefined,
    place: GlobalPlace | undefined,
  ): Permit {
    let done = false;
    let sent = false;
    const epoch = sentFrom.epoch;
    return {
      sent: () => {
        if (sent) return;
        sent = true;
        if (gated) this.#gate!.sent(gated.key, gated.answer.ticket);
      },
      complete: (status, headers) => {
        if (done) throw new Error('permit already completed');
        done = true;
        const info = readRateLimit(headers);
        const now = this.#clock.now();
        if (place) this.#global.answered(place, now);
        if (gated) {
          const update = gatedUpdate(gated.answer, gateUpdate(status, info));
          // The route's shared state names Discord's bucket, so every instance moves to its queue.
          if (gated.routeKeyed && info.bucket) update.bucketHash = info.bucket;
          this.#gate!.update(gated.key, options.identity, update);
        }
        return this.#complete(current(sentFrom), options, epoch, status, info, now);
      },
      cancel: () => {
        if (done) return;
        done = true;
        if (place) this.#global.answered(place, this.#clock.now());
        if (gated) this.#gate!.update(gated.key, options.identity, gatedUpdate(gated.answer, {}));
        const bucket = current(sentFrom);
        bucket.inFlight--;
        if (bucket.inFlight === 0 && bucket.resetAt === Number.POSITIVE_INFINITY) {
          // What was sent in this window may have counted: wait out a whole window to be safe.
          bucket.resetAt = this.#clock.now() + bucket.windowMs;
        }
        this.#drain(bucket);
      },
    };
  }

  #complete(
    sentFrom: Bucket,
    options: AcquireOptions,
    epoch: number,
    status: number,
    info: RateLimitHeaders,
    now: number,
  ): RateLimitOutcome {
    sentFrom.inFlight--;
    const bucket = info.bucket ? this.#learnHash(sentFrom, options, info.bucket) : sentFrom;
    // An answer to a request sent in an earlier window says nothing of this one (a merged bucket's does).
    const sameWindow = bucket !== sentFrom || epoch === bucket.epoch;
    if (info.limit !== undefined && info.remaining !== undefined && info.resetAfterMs !== undefined) {
      const resetAt = now + info.resetAfterMs;
      const fromHeader = Math.max(0, info.remaining - bucket.inFlight);
      bucket.limit = Math.max(1, info.limit);
      bucket.windowMs = Math.max(bucket.windowMs, info.resetAfterMs);
      if (!bucket.known || bucket.unlimited) {
        bucket.remaining = fromHeader;
        bucket.resetAt = resetAt;
      } else if (
        sameWindow &&
        bucket.resetAt !== Number.POSITIVE_INFINITY &&
        resetAt > bucket.resetAt + bucket.windowMs / 2
      ) {
        bucket.carry++; // it reached Discord after the window we know of ended
      } else if (sameWindow) {
        bucket.remaining = Math.min(bucket.remaining, fromHeader);
        bucket.resetAt =
          bucket.resetAt === Number.POSITIVE_INFINITY ? resetAt : Math.max(bucket.resetAt, resetAt);
      }
      bucket.known = true;
      bucket.unlimited = false;
    } else if (status < 400 && !bucket.known) {
      bucket.known = true;
      bucket.unlimited = true;
    }
    let outcome: RateLimitOutcome = { limited: false, retryAfterMs: 0, bucket: info.bucket };
    if (status === 429) {
      const scope = info.scope ?? (info.global ? 'global' : 'user');
      const retryAfterMs = retryAfterOf(info);
      if (scope === 'global') {
        this.#global.block(options.identity, now + retryAfterMs);
      } else {
        bucket.blockedUntil = Math.max(bucket.blockedUntil, now + retryAfterMs);
        if (bucket.unlimited) {
          bucket.unlimited = false;
          bucket.remaining = 0;
          bucket.resetAt = now + retryAfterMs;
        }
      }
      outcome = { limited: true, scope, retryAfterMs, bucket: info.bucket };
    }
    this.#drain(bucket);
    if (bucket !== sentFrom) this.#drain(sentFrom);
    return outcome;
  }

  /**
   * Maps the route onto Discord's bucket hash; a queue still keyed by the route joins the hash's
   * (which other routes of that bucket share). Returns the bucket that now holds the queue.
   */
  #learnHash(bucket: Bucket, options: AcquireOptions, hash: string): Bucket {
    const { bucketRoute, major } = options.route;
    if (this.#hashes.get(bucketRoute) !== hash) {
      this.#hashes.set(bucketRoute, hash);
      this.#hashesLearned++;
      this.#onHashLearned?.(bucketRoute, hash);
    }
    // Already a hash's bucket (or Discord changed the hash): leave it.
    if (!bucket.routeKeyed) return bucket;
    const oldKey = bucket.key;
    const newKey = `${hash}|${major}|${options.identity}`;
    let target = this.#buckets.get(newKey);
    this.#buckets.delete(oldKey);
    let moved: readonly Waiter[];
    if (!target) {
      target = bucket;
      bucket.key = newKey;
      bucket.routeKeyed = false;
      this.#buckets.set(newKey, bucket);
      moved = bucket.queue;
    } else {
      bucket.cancelTimer();
      moved = bucket.queue.splice(0);
      for (const waiter of moved) target.enqueue(waiter);
      target.inFlight += bucket.inFlight;
      bucket.inFlight = 0;
      bucket.mergedInto = target;
      bucket.forgotten = true;
    }
    if (this.#gate) this.#requeueShared(oldKey, moved);
    return target;
  }

  /**
   * With a gate: waiters whose tickets are in the shared queue of `oldKey` give them back and take
   * new ones in their bucket's (in their order); one asking now is moved on by its answer.
   */
  #requeueShared(oldKey: string, waiters: readonly Waiter[]): void {
    for (const waiter of waiters) {
      if (waiter.ticket !== undefined && !waiter.asking) this.#gate!.leave(oldKey, waiter.ticket);
      waiter.ticket = undefined;
      if (!waiter.asking) this.#ask(waiter);
    }
  }

  #maybeSweep(now: number): void {
    if (now - this.#lastSweep < SWEEP_EVERY_MS) return;
    this.#lastSweep = now;
    const before = now - this.#idleMs;
    for (const [key, bucket] of this.#buckets) {
      if (bucket.idle && bucket.lastUsed < before && bucket.blockedUntil < now) {
        this.#buckets.delete(key);
        bucket.forgotten = true;
      }
    }
    this.#global.sweep(before);
  }
}

function retryAfterOf(info: RateLimitHeaders): number {
  return info.retryAfterMs ?? info.resetAfterMs ?? 1000;
}

/** A place the gate reserved: the shared bucket's key and the gate's answer. */
interface Gated {
  key: string;
  answer: GateAnswer;
  /** The key is the route's (no hash known then): an answer's hash is passed on to the shared state. */
  routeKeyed: boolean;
}

/** An update for the place `answer` reserved: its window and its global place, if it took one. */
function gatedUpdate(answer: GateAnswer, update: Omit<GateUpdate, 'epoch' | 'ticket'>): GateUpdate {
  const full: GateUpdate = { ...update, epoch: answer.epoch, ticket: answer.ticket };
  if (answer.globalSlot !== undefined) full.globalSlot = answer.globalSlot;
  return full;
}

/** What the shared state learns from one answer. */
function gateUpdate(status: number, info: RateLimitHeaders): Omit<GateUpdate, 'epoch' | 'ticket'> {
  const update: Omit<GateUpdate, 'epoch' | 'ticket'> = {};
  if (info.limit !== undefined && info.remaining !== undefined && info.resetAfterMs !== undefined) {
    update.limits = { limit: info.limit, remaining: info.remaining, resetAfterMs: info.resetAfterMs };
  } else if (status < 400) {
    update.unlimited = true;
  }
  if (status === 429) {
    const scope = info.scope ?? (info.global ? 'global' : 'user');
    if (scope === 'global') update.globalBlockedMs = retryAfterOf(info);
    else update.blockedMs = retryAfterOf(info);
  }
  return update;
}
