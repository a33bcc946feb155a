/** What an event handler sees: the policy, the cache as it is, and the dispatch's shard. */
import type { Policy } from '../options.js';
import type { Op, StoreReader } from '../store/Store.js';

export interface EventContext {
  readonly policy: Policy;
  readonly store: StoreReader;
  readonly shard: number;
}

/** Turns one dispatch's data into the writes that bring the cache up to date. */
export type Handler<D = never> = (ctx: EventContext, d: D) => Promise<Op[]> | Op[];

/** `base` with every field of `update` that Discord sent (a partial update merges, it never erases). */
export function merge<T extends object>(base: T | undefined, update: object): T {
  const out: Record<string, unknown> = { ...(base ?? {}) };
  for (const [key, value] of Object.entries(update)) if (value !== undefined) out[key] = value;
  return out as T;
}
