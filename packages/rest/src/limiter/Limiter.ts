/**
 * The transport-free rate limiter: `acquire` gives a permit when a request may go, the caller sends
 * it however it likes, then reports Discord's answer with `permit.complete(status, headers)`.
 * The in-process `RestClient` and the rest-proxy use it the same way.
 */
import type { Route } from '../routes.js';
import type { HeaderSource, RateLimitScope } from './headers.js';

/** What `acquire` needs of an `AbortSignal` (a real one fits). */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

export interface AcquireOptions {
  route: Route;
  /** Whose global limit it counts against (`identityOf(authorization, ip)`); also part of the queue key. */
  identity: string;
  signal?: AbortSignalLike;
  /** Clock time after which waiting is pointless: the acquire rejects with a `DeadlineError` as soon as that is known. */
  deadline?: number;
  /** A request re-queued after a 429 goes to the front of its bucket's queue. */
  retry?: boolean;
}

export interface RateLimitOutcome {
  /** The answer was a 429: wait is already applied to the bucket or identity; send again to retry. */
  limited: boolean;
  scope?: RateLimitScope;
  retryAfterMs: number;
  /** Discord's bucket hash, when it sent one. */
  bucket?: string;
}

export interface Permit {
  /**
   * The request is on its way (handed to the HTTP client): with a queue shared by several
   * instances, the next request of the bucket may go now, so requests leave in their order.
   */
  sent(): void;
  /** Reports the answer; the limiter learns the bucket from its headers. */
  complete(status: number, headers: HeaderSource): RateLimitOutcome;
  /** The request was not answered (network error, caller gone): frees its place without learning. */
  cancel(): void;
}

export interface LimiterStats {
  buckets: number;
  queued: number;
  inFlight: number;
}

export interface Limiter {
  acquire(options: AcquireOptions): Promise<Permit>;
  /**
   * The permit at once when the request may go now with nobody ahead of it (its place is then
   * taken), else `undefined`: call `acquire`, which queues it or refuses it. Never throws. Optional:
   * it spares the proxy's hot path a promise when a bucket has room.
   */
  tryAcquire?(options: AcquireOptions): Permit | undefined;
  stats(): LimiterStats;
  /** Rejects everything still queued and stops timers. */
  close(): void;
}

/** The request could not be sent before its deadline; try again after `retryAfterMs`. */
export class DeadlineError extends Error {
  constructor(readonly retryAfterMs: number) {
    super(`rate limited: cannot be sent before its deadline (retry after ${retryAfterMs} ms)`);
    this.name = 'DeadlineError';
  }
}

/** The bucket's queue is full; try again after `retryAfterMs`. */
export class QueueFullError extends Error {
  constructor(readonly retryAfterMs: number) {
    super('rate limited: the queue of this bucket is full');
    this.name = 'QueueFullError';
  }
}

export class LimiterClosedError extends Error {
  constructor() {
    super('the rate limiter was closed');
    this.name = 'LimiterClosedError';
  }
}
