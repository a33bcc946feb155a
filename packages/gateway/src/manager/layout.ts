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
  /** `SHARD_IDS`: ids of the configured count (refused with `auto`). */
  shardIds?: readonly number[];
  stored?: ShardLayout;
}

const all = (count: number) => Array.from({ length: count }, (_, i) => i);

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * Two shards of a `from`-shard layout whose guilds would meet on one shard of a `to`-shard layout
 * while only `a` is among `ids`; undefined when `ids` hold exactly the guilds of some `to` shards.
 * A guild's shard is (g >> 22) % count, and both counts are multiples of d = gcd(from, to), so its
 * shard modulo d is the same under both: `ids` keep their guilds together when they take every
 * shard of each class modulo d they touch (under a multiple of `from`, d = from: always).
 */
export function guildsSplitBy(
  ids: readonly number[],
  from: number,
  to: number,
): { a: number; b: number } | undefined {
  const d = gcd(from, to);
  const perClass = new Map<number, number>();
  for (const id of new Set(ids)) perClass.set(id % d, (perClass.get(id % d) ?? 0) + 1);
  for (const [c, owned] of perClass) {
    if (owned === from / d) continue;
    // A class taken in part: name its first shard taken and its first shard not taken.
    const taken = new Set(ids);
    let a: number | undefined;
    let b: number | undefined;
    for (let s = c; s < from && (a === undefined || b === undefined); s += d) {
      if (taken.has(s)) a ??= s;
      else b ??= s;
    }
    return { a: a!, b: b! };
  }
  return undefined;
}

/**
 * The shards of a `to`-shard layout that hold exactly the guilds shards `ids` of a `from`-shard
 * layout held: every s < to whose class modulo gcd(from, to) is one of theirs (with `to` a multiple
 * of `from`: every s with s % from in ids). Throws when no such shards exist (`guildsSplitBy`).
 */
export function derivedShardIds(ids: readonly number[], from: number, to: number): number[] {
  const split = guildsSplitBy(ids, from, to);
  if (split) {
    throw new Error(
      `shards ${split.a} and ${split.b} of ${from} would share shards of ${to}: these ids do not keep their guilds together`,
    );
  }
  const d = gcd(from, to);
  const classes = new Set(ids.map((id) => id % d));
  return all(to).filter((id) => classes.has(id % d));
}

/**
 * Counts above `from`, up to `2 * from`, to which processes running shards `owners` (one list each)
 * can reshard, each keeping its guilds: for the refusal messages.
 */
export function countsKeepingGuilds(owners: readonly (readonly number[])[], from: number): number[] {
  // Whether a count qualifies depends only on its gcd with `from`: decide each gcd once.
  const byGcd = new Map<number, boolean>();
  return all(2 * from + 1)
    .slice(from + 1)
    .filter((to) => {
      const d = gcd(from, to);
      let keeps = byGcd.get(d);
      if (keeps === undefined) {
        keeps = owners.every((ids) => !guildsSplitBy(ids, from, to));
        byGcd.set(d, keeps);
      }
      return keeps;
    });
}

/** The layout a start runs; throws when the stored layout cannot be derived from the configuration. */
export function chooseLayout({ configured, recommended, shardIds, stored }: LayoutInput): LayoutChoice {
  if (shardIds && configured === 'auto') {
    // Ids of whatever count Discord recommends when a process starts: processes started (or one
    // restarted) at different recommendations would leave shards to no one, or run one twice.
    throw new Error(
      `SHARD_IDS needs SHARD_COUNT set to the count its ids are of, not auto (Discord recommends ${recommended} now)`,
    );
  }
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
  if (m % base === 0 || (shardIds && m > base && !guildsSplitBy(shardIds, base, m))) {
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
      ` cannot derive (it must divide ${m}` +
      (shardIds ? `, or SHARD_IDS take whole classes of shards modulo gcd(${base}, ${m})` : '') +
      `): set SHARD_COUNT to ${m} or a divisor of it` +
      (shardIds ? ' with matching SHARD_IDS' : '') +
      ', or clear the stored layout to identify anew',
  );
}
