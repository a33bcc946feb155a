/**
 * The identify seam: Discord lets each `shard_id % max_concurrency` bucket IDENTIFY once per 5 s,
 * and a bot only `session_start_limit.total` times per day.
 */

/**
 * Time between two IDENTIFYs of one bucket: Discord's 5 s and a margin. A bucket is taken just
 * before the IDENTIFY is sent, but Discord times IDENTIFYs as they arrive: when an earlier one took
 * longer to arrive (a process starting cold, a busy event loop), the next one, sent right at 5 s,
 * looks early. The simulator refused such IDENTIFYs by 1–5 ms, each costing an op 9, a unit of the
 * daily budget and another 5 s.
 */
export const DEFAULT_IDENTIFY_INTERVAL_MS = 5_250;

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
