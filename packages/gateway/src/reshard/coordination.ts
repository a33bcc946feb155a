/**
 * The messages by which gateway processes splitting one bot (`SHARD_IDS`) reshard together, on the
 * broker's broadcast subject `gateway.reshard.<bot>`, and the coordinator's plan (pure): every
 * process answers, they agree on the running layout, their shards cover it once, and the new count
 * lets each process keep exactly its own guilds (`guildsSplitBy`: any multiple of the old count, and
 * others when the processes' shards interleave).
 */
import { countsKeepingGuilds, guildsSplitBy } from '../manager/layout.js';
import type { ReshardResult } from '../manager/Resharder.js';

export const reshardSubject = (bot: string) => `gateway.reshard.${bot}`;

export type ReshardMessage =
  /** Every process's state; with `generation`, also the coordinator's sign of life for that reshard. */
  | { type: 'status'; generation?: number }
  /** Identify your part of the `to`-shard set and hold it, loaded, until `switch`. */
  | { type: 'prepare'; coordinator: string; to: number; generation: number }
  | { type: 'switch'; coordinator: string; generation: number }
  /** Only the coordinator's own reshard: a second one refused by the processes cannot abort the first. */
  | { type: 'abort'; coordinator: string; generation: number; reason: string };

/** loading: the new shards identify; loaded: waiting for `switch`; switching: switched, in the grace. */
export type ReshardPhase = 'loading' | 'loaded' | 'switching' | 'done' | 'failed';

export interface InstanceStatus {
  instance: string;
  shardCount: number;
  generation: number;
  /** The shard ids this process runs. */
  shards: number[];
  reshard?: { generation: number; phase: ReshardPhase; error?: string; result?: ReshardResult };
}

export type ReshardReply = { instance: string; ok: true } | { instance: string; ok: false; error: string };

export interface ReshardRequest {
  /** An explicit count (`--shards`): refused unless each process keeps its guilds (`refusedCount`). */
  count?: number;
  /** Discord's recommendation, rounded up to the first count `refusedCount` accepts when no count is given. */
  recommended: number;
  /** After a 4011: at least this many. */
  atLeast?: number;
}

export interface ReshardPlan {
  from: number;
  to: number;
  generation: number;
  instances: string[];
}

const active: ReadonlySet<ReshardPhase | undefined> = new Set(['loading', 'loaded', 'switching']);

/**
 * Why processes running shards `owners` (one list each) of `from` cannot reshard to `count`, so that
 * each keeps exactly its own guilds (the overlap's dedupe stays inside each process); undefined when
 * they can. With only this process's own shards it is the check this process can make alone.
 */
export function refusedCount(
  count: number,
  from: number,
  owners: readonly (readonly number[])[],
): Error | undefined {
  // The first few that qualify (up to twice the running count), then the multiples go on.
  const counts = () => `${countsKeepingGuilds(owners, from).slice(0, 8).join(', ')}, …`;
  if (count <= from) {
    return new Error(`${count} shards: a reshard goes above the ${from} running (${counts()})`);
  }
  for (const ids of owners) {
    const split = guildsSplitBy(ids, from, count);
    if (!split) continue;
    return new Error(
      `${count} shards: shards ${split.a} and ${split.b} of the ${from} running are run by different processes but would send guilds to the same new shards; counts that keep each process's guilds on its own: ${counts()}`,
    );
  }
  return undefined;
}

/** True when a process reports a reshard in progress (its layout is about to change). */
export const anyResharding = (statuses: readonly InstanceStatus[]) =>
  statuses.some((s) => active.has(s.reshard?.phase));

/**
 * What is wrong with the layout the processes of a split bot run, from their statuses: they must
 * agree on the shard count and generation and together run every shard once (a shard no process
 * runs is a shard whose guilds' events nobody receives). Undefined when nothing is.
 */
export function splitProblem(statuses: readonly InstanceStatus[]): string | undefined {
  if (statuses.length === 0) return 'no gateway process of this bot answered';
  const [first] = statuses as [InstanceStatus];
  const from = first.shardCount;
  const disagree = statuses.filter((s) => s.shardCount !== from || s.generation !== first.generation);
  if (disagree.length > 0) {
    const seen = statuses.map((s) => `${s.shardCount} shards (generation ${s.generation})`);
    return `the gateway processes run different layouts: ${[...new Set(seen)].join(', ')}`;
  }
  const owners = new Map<number, number>();
  for (const s of statuses) for (const id of s.shards) owners.set(id, (owners.get(id) ?? 0) + 1);
  const problems: string[] = [];
  const twice = [...owners].filter(([, n]) => n > 1).map(([id]) => id);
  if (twice.length > 0) problems.push(`shards ${twice.join(', ')} are run by more than one process`);
  const missing = Array.from({ length: from }, (_, i) => i).filter((id) => !owners.has(id));
  if (missing.length > 0) {
    problems.push(`no running process answered for shards ${missing.join(', ')} of ${from}`);
  }
  return problems.length > 0 ? problems.join('; ') : undefined;
}

export function planReshard(statuses: readonly InstanceStatus[], request: ReshardRequest): ReshardPlan {
  if (anyResharding(statuses)) throw new Error('a reshard is already under way');
  const problem = splitProblem(statuses);
  if (problem) throw new Error(`${problem}: every process must be up, running its own shards, to reshard`);
  const [first] = statuses as [InstanceStatus];
  const from = first.shardCount;
  const shardsOf = statuses.map((s) => s.shards);
  let to: number;
  if (request.count !== undefined) {
    const refused = refusedCount(request.count, from, shardsOf);
    if (refused) throw refused;
    to = request.count;
  } else {
    const wanted = Math.max(request.recommended, request.atLeast ?? 1);
    if (wanted <= from) {
      throw new Error(`Discord recommends ${request.recommended} shards: the ${from} running suffice`);
    }
    // The first count from the wanted one up that keeps each process's guilds (a multiple always does).
    to = wanted;
    while (shardsOf.some((ids) => guildsSplitBy(ids, from, to))) to++;
  }
  return { from, to, generation: first.generation + 1, instances: statuses.map((s) => s.instance) };
}
