/** One rate-limit bucket of one major parameter and identity: what Discord told us, and who waits. */
import type { Timer } from '@shardwire/core';
import type { AcquireOptions, Permit } from './Limiter.js';

export interface Waiter {
  options: AcquireOptions;
  /** 2 = re-queued after a 429, 1 = interaction response, 0 = the rest. */
  priority: number;
  resolve(permit: Permit): void;
  reject(error: unknown): void;
  /** Undoes the deadline timer and abort listener. */
  release(): void;
  /** The bucket whose queue holds it. */
  bucket?: Bucket;
  /** Its place in the shared queue (with a gate), once the gate gave one. */
  ticket?: string;
  /** The shared bucket key `ticket` belongs to (the bucket may have been re-keyed since). */
  ticketKey?: string;
  /** A gate call for it is under way: its answer moves it on. */
  asking?: boolean;
  /** The gate failed for it: it goes on this instance's knowledge alone. */
  ungated?: boolean;
}

export class Bucket {
  /** Nothing learned yet: one probe request at a time until headers arrive. */
  known = false;
  /** Answers carried no rate-limit headers: no limit to keep. */
  unlimited = false;
  limit = 1;
  remaining = 0;
  /** When the current window ends; Infinity while a new window's reset is not known yet. */
  resetAt = 0;
  /** Counts windows, so an answer to a request sent in an earlier window does not move this one. */
  epoch = 0;
  /** Requests of this window that Discord counted in the next one (their answer told a later reset). */
  carry = 0;
  /** The window's length as last learned, for when in-flight requests vanish unanswered. */
  windowMs = 1000;
  /** A 429 (sub-limit, shared) holds the whole bucket until then. */
  blockedUntil = 0;
  inFlight = 0;
  lastUsed = 0;
  readonly queue: Waiter[] = [];
  timer: Timer | undefined;
  timerDue = 0;
  /** Set when this bucket turned out to share Discord's bucket with another: follow it. */
  mergedInto: Bucket | undefined;
  /** No longer in the limiter's map (swept, or merged into another): a request finds its bucket anew. */
  forgotten = false;

  /**
   * `routeKeyed`: keyed by the route, its Discord bucket hash not known yet; learning it re-keys the
   * bucket (or merges it into the hash's bucket, which other routes may share).
   */
  constructor(
    public key: string,
    public routeKeyed = false,
  ) {}

  /** Puts a waiter behind every waiter of equal or higher priority. */
  enqueue(waiter: Waiter): void {
    waiter.bucket = this;
    let at = this.queue.length;
    while (at > 0 && this.queue[at - 1]!.priority < waiter.priority) at--;
    this.queue.splice(at, 0, waiter);
  }

  /**
   * Moves a waiter that just got a ticket in the shared queue to where the ticket stands there:
   * behind every waiter of higher priority or of equal priority with an earlier ticket, ahead of the
   * ones still without. Only the head asks the shared queue again, so the two orders must agree (a
   * ticket taken anew, after a re-keyed bucket or a lapsed lease, would otherwise wait behind a
   * ticket that nobody asks for).
   */
  placeByTicket(waiter: Waiter): void {
    const from = this.queue.lastIndexOf(waiter);
    if (from === -1) return;
    this.queue.splice(from, 1);
    const seq = Number(waiter.ticket);
    let at = this.queue.length;
    while (at > 0) {
      const other = this.queue[at - 1]!;
      const behind =
        other.priority < waiter.priority ||
        (other.priority === waiter.priority && (other.ticket === undefined || Number(other.ticket) > seq));
      if (!behind) break;
      at--;
    }
    this.queue.splice(at, 0, waiter);
  }

  remove(waiter: Waiter): boolean {
    const at = this.queue.indexOf(waiter);
    if (at === -1) return false;
    this.queue.splice(at, 1);
    return true;
  }

  cancelTimer(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.timerDue = 0;
  }

  get idle(): boolean {
    return this.queue.length === 0 && this.inFlight === 0 && this.timer === undefined;
  }
}

/** Follows merges to the bucket that now holds this one's state. */
export function current(bucket: Bucket): Bucket {
  let at = bucket;
  while (at.mergedInto) at = at.mergedInto;
  return at;
}
