/** Start-up progress: shards ready of total and the time left at the current rate (pure). */

export interface Progress {
  ready: number;
  total: number;
  /** Estimated ms until every shard is ready; undefined before the first shard is. */
  etaMs: number | undefined;
}

export function startupProgress(ready: number, total: number, startedAt: number, now: number): Progress {
  if (ready <= 0 || ready >= total) return { ready, total, etaMs: ready >= total ? 0 : undefined };
  const perShard = (now - startedAt) / ready;
  return { ready, total, etaMs: Math.round(perShard * (total - ready)) };
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
