/**
 * Where several limiter instances agree on buckets and global counters (Redis): one call per request
 * on the path when its bucket has room. Each bucket keeps one queue for every instance: a request
 * takes a ticket on arrival and is let through in ticket order, so a bucket's order is kept across
 * instances.
 */

export interface GateRequest {
  bucketKey: string;
  identity: string;
  globalLimit: number;
  /** Not counted against the identity's global limit. */
  exempt: boolean;
  /** 2 = re-sent after a 429, 1 = interaction response, 0 = the rest: higher goes ahead of lower. */
  priority: number;
  /** The ticket an earlier answer gave; none on arrival (one is taken). */
  ticket?: string;
}

export interface GateAnswer {
  /** 0: go now (a place is reserved); otherwise wait this long and ask again with `ticket`. */
  waitMs: number;
  /**
   * The bucket key was a route's, and an answer has since told that the route is in Discord's
   * bucket `movedTo`: no ticket or place was taken (the ticket asked with is gone); ask again under
   * the hash's key, whose queue the routes sharing that bucket share.
   */
  movedTo?: string;
  /** The request's place in the bucket's shared queue. */
  ticket: string;
  /** The shared window the place was reserved in, passed back with the answer. */
  epoch: number;
  /** The global place taken (held until a window after the answer), if any. */
  globalSlot?: string;
}

export interface GateUpdate {
  /** The ticket of the place (`GateAnswer.ticket`): it is in flight no longer. */
  ticket: string;
  epoch: number;
  /** `GateAnswer.globalSlot`: its window starts again from this answer. */
  globalSlot?: string;
  /** Discord's limit, remaining and reset-after, when the answer carried them. */
  limits?: { limit: number; remaining: number; resetAfterMs: number };
  /** The answer had no rate-limit headers and succeeded: the route has no limit. */
  unlimited?: boolean;
  /** A sub-limit or shared 429: the whole bucket waits this long. */
  blockedMs?: number;
  /** A global 429: every bucket of this identity waits this long. */
  globalBlockedMs?: number;
  /** The bucket key is a route's and the answer named Discord's bucket: requests asking under it move there. */
  bucketHash?: string;
}

export interface LimiterGate {
  /** Takes a ticket (on arrival) and a place when the ticket is first in its bucket's queue and the limits allow. */
  reserve(request: GateRequest): Promise<GateAnswer>;
  /** The answer to a reserved request, or `{ ticket, epoch }` alone when it went unanswered. Not awaited. */
  update(bucketKey: string, identity: string, update: GateUpdate): void;
  /** The request of a reserved place is on its way: the next ticket may go. Not awaited. */
  sent(bucketKey: string, ticket: string): void;
  /** A waiting ticket's caller gave up (left, deadline, shutdown): the queue goes on without it. Not awaited. */
  leave(bucketKey: string, ticket: string): void;
  /** Stops keeping this instance's tickets alive. */
  close(): void;
}
