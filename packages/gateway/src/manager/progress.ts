/** Start-up progress: shards ready of total and the time left at the current rate (pure). */

export interface Progress {
  ready: number;
  total: number;
  /** Estimated ms until every shard is ready; undefined before the first shard is. */
  etaMs: number | undefined;
}

/**
 * `floorMs` is the least time the identify limits still need (shards left to identify, in buckets
 * of `max_concurrency`, one bucket per 5 s): the early rate of a start-up flatters it.
 */
export function startupProgress(
  ready: number,
  total: number,
  startedAt: number,
  now: number,
  floorMs = 0,
): Progress {
  if (ready >= total) return { ready, total, etaMs: 0 };
  if (ready <= 0) return { ready, total, etaMs: floorMs > 0 ? floorMs : undefined };
  const perShard = (now - startedAt) / ready;
  return { ready, total, etaMs: Math.max(floorMs, Math.round(perShard * (total - ready))) };
}

/** Time the identify limits need for `toIdentify` shards still waiting, the first bucket going now. */
export function identifyFloorMs(toIdentify: number, maxConcurrency: number, intervalMs = 5_000): number {
  if (toIdentify <= 0) return 0;
  return (Math.ceil(toIdentify / Math.max(1, maxConcurrency)) - 1) * intervalMs;
}

export function formatProgress(progress: Progress): string {
  const eta =
    progress.etaMs === undefined
      ? ''
      : progress.etaMs === 0
        ? ''
        : `, about ${Math.ceil(progress.etaMs / 1000)} s left`;
  return `${progress.ready}/${progress.total} shards ready${eta}`;
}
