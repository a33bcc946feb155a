/** Reconnect delays: exponential with jitter, the first retry immediate (pure). */

export interface BackoffOptions {
  /** Delay of the second attempt before jitter. Default 1,000 ms. */
  baseMs?: number;
  /** Cap before jitter. Default 60,000 ms. */
  maxMs?: number;
}

/**
 * Delay before reconnect attempt `attempt` (0-based): 0 for the first, then base·2^(n-1) capped at
 * max, scaled by a jitter factor in [0.5, 1) so a fleet of shards does not reconnect in lockstep.
 */
export function backoffDelay(attempt: number, random: number, options: BackoffOptions = {}): number {
  if (attempt <= 0) return 0;
  const base = options.baseMs ?? 1_000;
  const max = options.maxMs ?? 60_000;
  const raw = Math.min(max, base * 2 ** Math.min(attempt - 1, 30));
  return Math.round(raw * (0.5 + random / 2));
}
