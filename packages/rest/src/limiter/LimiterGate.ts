/** Where several limiter instances agree on buckets and global counters (Redis); one call per request on the path. */

export interface GateAnswer {
  /** 0: go now (a place is reserved); otherwise wait this long and ask again. */
  waitMs: number;
  /** The shared window the place was reserved in, passed back with the answer. */
  epoch: number;
  /** The global place taken (held until a window after the answer), if any. */
  globalSlot?: string;
}

export interface GateUpdate {
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
}

export interface LimiterGate {
  reserve(bucketKey: string, identity: string, globalLimit: number, exempt: boolean): Promise<GateAnswer>;
  /** The answer to a reserved request, or `{ epoch }` alone when it went unanswered. Not awaited. */
  update(bucketKey: string, identity: string, update: GateUpdate): void;
}
