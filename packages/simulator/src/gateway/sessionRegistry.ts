/** Every live or resumable gateway session, indexed by bot and shard for fan-out, expiring when not resumed in time. */
import type { Clock, Timer } from '@shardwire/core';
import { getOrCreate } from '../state/maps.js';
import type { GatewaySession } from './session.js';

const NONE: readonly GatewaySession[] = [];

export class SessionRegistry {
  readonly #byId = new Map<string, GatewaySession>();
  /** botId → shardCount → shardId → sessions. */
  readonly #byShard = new Map<string, Map<number, Map<number, Set<GatewaySession>>>>();
  readonly #expiry = new Map<string, Timer>();

  constructor(
    private readonly clock: Clock,
    private readonly resumeWindowMs: number,
  ) {}

  get(id: string): GatewaySession | undefined {
    return this.#byId.get(id);
  }

  all(): IterableIterator<GatewaySession> {
    return this.#byId.values();
  }

  add(session: GatewaySession): void {
    this.#byId.set(session.id, session);
    const [shardId, count] = session.shard;
    const counts = getOrCreate(this.#byShard, session.bot.user.id, () => new Map());
    const shards = getOrCreate(counts, count, () => new Map<number, Set<GatewaySession>>());
    getOrCreate(shards, shardId, () => new Set<GatewaySession>()).add(session);
  }

  /**
   * Sessions of `botId` on the shard that holds a guild with this `shardKey` (`guild_id >> 22`), for
   * every shard count in use. Not a generator: it runs for every dispatch, and almost always finds
   * one shard count with one session, returned without copying.
   */
  forGuild(botId: string, shardKey: number): Iterable<GatewaySession> {
    const counts = this.#byShard.get(botId);
    if (!counts) return NONE;
    if (counts.size === 1) {
      const [count, shards] = counts.entries().next().value!;
      return shards.get(shardKey % count) ?? NONE;
    }
    const out: GatewaySession[] = [];
    for (const [count, shards] of counts)
      for (const session of shards.get(shardKey % count) ?? NONE) out.push(session);
    return out;
  }

  /** Sessions of `botId` with this shard id, whatever their shard count. */
  *forShardId(botId: string, shardId: number): Iterable<GatewaySession> {
    for (const shards of this.#byShard.get(botId)?.values() ?? []) yield* shards.get(shardId) ?? [];
  }

  /** Sessions of `botId` on shard 0 (DMs and events without a guild). */
  *forShardZero(botId: string): Iterable<GatewaySession> {
    for (const shards of this.#byShard.get(botId)?.values() ?? []) yield* shards.get(0) ?? [];
  }

  /** The connection dropped: keep the session for `resumeWindowMs`, buffering what it misses. */
  suspend(session: GatewaySession): void {
    if (session.state === 'ended') return;
    session.state = 'resumable';
    session.transport = undefined;
    this.#expiry.get(session.id)?.cancel();
    this.#expiry.set(
      session.id,
      this.clock.setTimeout(() => this.end(session), this.resumeWindowMs),
    );
  }

  /** The session has a connection again (see `GatewaySession.resumeOn`): it no longer expires. */
  resumed(session: GatewaySession): void {
    this.#expiry.get(session.id)?.cancel();
    this.#expiry.delete(session.id);
  }

  end(session: GatewaySession): void {
    session.end();
    this.#expiry.get(session.id)?.cancel();
    this.#expiry.delete(session.id);
    this.#byId.delete(session.id);
    const [shardId, count] = session.shard;
    const counts = this.#byShard.get(session.bot.user.id);
    const shards = counts?.get(count);
    const set = shards?.get(shardId);
    set?.delete(session);
    if (set?.size === 0) shards!.delete(shardId);
    if (shards?.size === 0) counts!.delete(count);
  }

  endAll(): void {
    for (const session of [...this.#byId.values()]) this.end(session);
  }
}
