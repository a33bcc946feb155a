/**
 * The identify seam: Discord lets each `shard_id % max_concurrency` bucket IDENTIFY once per 5 s,
 * and a bot only `session_start_limit.total` times per day.
 */

export interface SessionStartLimit {
  total: number;
  remaining: number;
  /** Milliseconds until `remaining` is back to `total`. */
  resetAfter: number;
  maxConcurrency: number;
}

export interface IdentifyThrottler {
  /** Resolves when shard `shardId` may send IDENTIFY now (the slot is taken); rejects on abort. */
  waitForIdentify(shardId: number, signal?: AbortSignal): Promise<void>;
  /** Identifies left in today's budget, as far as this throttler knows. */
  remaining(): Promise<number>;
  close?(): Promise<void>;
}
