/**
 * Which shards a start runs (pure): the configured count and `SHARD_IDS`, or the layout a reshard
 * stored, so that a restart after a reshard RESUMEs the new sessions instead of identifying anew.
 */
import type { ShardLayout } from '../sessionStore/SessionStore.js';

export interface LayoutChoice {
  count: number;
  /** The shard ids this process opens, ascending. */
  ids: number[];
  /** The layout to record (the configuration replaced the stored one); undefined: keep the stored one. */
  record?: ShardLayout;
  /** Why the stored layout was used or set aside, for the log. */
  note?: string;
}

export interface LayoutInput {
  configured: number | 'auto';
  /** Discord's recommendation (`GET /gateway/bot`). */
  recommended: number;
  /** `SHARD_IDS`: ids of the configured count (of the recommendation with `auto`). */
  shardIds?: readonly number[];
  stored?: ShardLayout;
}

const all = (count: number) => Array.from({ length: count }, (_, i) => i);

/**
 * The shards of a `to`-shard layout that hold the guilds shards `ids` of a `from`-shard layout held,
 * `to` a multiple of `from`: every s' < to with s' % from in ids. A guild's shard under `to`,
 * (g >> 22) % to, taken modulo `from` is its shard under `from`, so the guilds stay with their process.
 */
export function derivedShardIds(ids: readonly number[], from: number, to: number): number[] {
  if (to % from !== 0) throw new Error(`${to} shards are not a multiple of ${from}`);
  const owned = new Set(ids);
  return all(to).filter((id) => owned.has(id % from));
}

/** The layout a start runs; throws when the stored layout cannot be derived from the configuration. */
export function chooseLayout({ configured, recommended, shardIds, stored }: LayoutInput): LayoutChoice {
  const base = configured === 'auto' ? recommended : configured;
  for (const id of shardIds ?? []) {
    if (!Number.isInteger(id) || id < 0 || id >= base) {
      throw new Error(`shard id ${id} is outside 0..${base - 1} (shard count ${base})`);
    }
  }
  const configuredIds = shardIds ? [...shardIds] : all(base);
  if (!stored || stored.shardCount === base) return { count: base, ids: configuredIds };
  const m = stored.shardCount;
  const setting =
    configured === 'auto' ? `SHARD_COUNT=auto (Discord recommends ${recommended})` : `SHARD_COUNT=${base}`;
  if (m % base === 0) {
    return {
      count: m,
      ids: shardIds ? derivedShardIds(shardIds, base, m) : all(m),
      note: `starting the stored layout of ${m} shards (from a reshard), derived from ${setting}`,
    };
  }
  // One process owns every shard: any stored count can be started; `auto` leaves growth to the timer.
  if (!shardIds && (configured === 'auto' || m > base)) {
    return {
      count: m,
      ids: all(m),
      note: `starting the stored layout of ${m} shards (from a reshard), not ${setting}`,
    };
  }
  if (configured !== 'auto' && base > m) {
    return {
      count: base,
      ids: configuredIds,
      record: { shardCount: base, generation: stored.generation + 1 },
      note: `${setting} is above the stored layout of ${m} shards: its sessions cannot resume, identifying ${base} shards anew`,
    };
  }
  throw new Error(
    `the session store records a layout of ${m} shards (from a reshard), which ${setting}` +
      (shardIds ? ' with SHARD_IDS' : '') +
      ` cannot derive (it must divide ${m}): set SHARD_COUNT to ${m} or a divisor of it` +
      (shardIds ? ' with matching SHARD_IDS' : '') +
      ', or clear the stored layout to identify anew',
  );
}
