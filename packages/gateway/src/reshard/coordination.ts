/**
 * The messages by which gateway processes splitting one bot (`SHARD_IDS`) reshard together, on the
 * broker's broadcast subject `gateway.reshard.<bot>`, and the coordinator's plan (pure): every
 * process answers, they agree on the running layout, their shards cover it once, and the new count
 * is a multiple of the old, so each process keeps exactly its own guilds.
 */
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
  /** An explicit count (`--shards`): must be a multiple of the running count. */
  count?: number;
  /** Discord's recommendation, rounded up to the next multiple when no count is given. */
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

/** Why processes splitting a bot cannot reshard from `from` to `count` shards; undefined when they can. */
export function notAMultiple(count: number, from: number): Error | undefined {
  if (count % from === 0 && count > from) return undefined;
  return new Error(
    `${count} shards: processes splitting a bot reshard to a multiple of the ${from} running (${2 * from}, ${3 * from}, …)`,
  );
}

export function planReshard(statuses: readonly InstanceStatus[], request: ReshardRequest): ReshardPlan {
  if (statuses.length === 0) throw new Error('no gateway process of this bot answered');
  const [first] = statuses as [InstanceStatus];
  const from = first.shardCount;
  const disagree = statuses.filter((s) => s.shardCount !== from || s.generation !== first.generation);
  if (disagree.length > 0) {
    const seen = statuses.map((s) => `${s.shardCount} shards (generation ${s.generation})`);
    throw new Error(`the gateway processes run different layouts: ${[...new Set(seen)].join(', ')}`);
  }
  if (statuses.some((s) => active.has(s.reshard?.phase))) throw new Error('a reshard is already under way');
  const owners = new Map<number, number>();
  for (const s of statuses) for (const id of s.shards) owners.set(id, (owners.get(id) ?? 0) + 1);
  const twice = [...owners].filter(([, n]) => n > 1).map(([id]) => id);
  if (twice.length > 0) throw new Error(`shards ${twice.join(', ')} are run by more than one process`);
  const missing = Array.from({ length: from }, (_, i) => i).filter((id) => !owners.has(id));
  if (missing.length > 0) {
    throw new Error(
      `no running process answered for shards ${missing.join(', ')} of ${from}: every process must be up to reshard`,
    );
  }
  let to: number;
  if (request.count !== undefined) {
    const refused = notAMultiple(request.count, from);
    if (refused) throw refused;
    to = request.count;
  } else {
    const wanted = Math.max(request.recommended, request.atLeast ?? 1);
    to = Math.ceil(wanted / from) * from;
    if (to <= from) {
      throw new Error(`Discord recommends ${request.recommended} shards: the ${from} running suffice`);
    }
  }
  return { from, to, generation: first.generation + 1, instances: statuses.map((s) => s.instance) };
}
