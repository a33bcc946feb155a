/**
 * Zero-downtime resharding: a complete new shard set identifies beside the running one (through the
 * same identify throttler, so within the limits), holds its dispatches; once every new shard is
 * READY and has sent its guilds, publishing switches to it (`Overlap` decides, per dispatch, which
 * set publishes: nothing lost, nothing twice); after a grace the old set is closed.
 */
import { type Clock, sleep } from '@shardwire/core';
import type { APIGatewayBotInfo } from 'discord-api-types/v10';
import { Overlap } from '../reshard/Overlap.js';
import type { ShardLayout } from '../sessionStore/SessionStore.js';
import type { Dispatch } from '../shard/shard.js';
import type { Owned, ShardManagerOptions } from './ShardManager.js';

export interface ReshardResult {
  from: number;
  to: number;
  /** Dispatches the new set held and published at the switch (the old set had not received them). */
  releasedAtSwitch: number;
  /** Guilds a new shard never sent (it counted as loaded after the guild timeout). */
  missingGuilds: string[];
}

/**
 * Awaited once every new shard is loaded, just before the layout is written and the set switches:
 * processes splitting a bot wait there until every one of them is loaded. A rejection (or the
 * signal) fails the reshard, the old set publishing.
 */
export type BeforeSwitch = (signal: AbortSignal) => Promise<void>;

/** What the resharder uses of the shard manager. */
export interface ReshardHost {
  options: ShardManagerOptions;
  clock: Clock;
  currentCount(): number;
  /** The shard ids of a `count`-shard set this process opens (all, or derived from `SHARD_IDS`). */
  newShardIds(count: number): number[];
  /** The publishing set's generation. */
  currentGeneration(): number;
  /** Records the bot's layout in the session store (before the switch: a restart then starts it). */
  saveLayout(layout: ShardLayout): Promise<void>;
  gatewayInfo(): Promise<APIGatewayBotInfo>;
  startShard(id: number, set: { count: number; generation: number }): Promise<Owned>;
  publish(owned: Owned, dispatch: Dispatch): void | Promise<void>;
  /** Makes `set` the publishing set; returns the old one. */
  activate(set: Map<number, Owned>, count: number, generation: number): Promise<Owned[]>;
  closeSet(set: Iterable<Owned>): Promise<void>;
  emit(phase: 'started' | 'switched' | 'done' | 'failed', detail: { from: number; to: number }): void;
}

export class Resharder {
  readonly #host: ReshardHost;
  #overlap: Overlap | undefined;
  #generation = 0;
  #running: Promise<ReshardResult> | undefined;
  #abort: AbortController | undefined;
  #incoming = new Map<number, Owned>();

  constructor(host: ReshardHost) {
    this.#host = host;
  }

  get busy(): boolean {
    return this.#running !== undefined;
  }

  /** The overlap while both sets run; undefined otherwise (the active set publishes everything). */
  get overlap(): Overlap | undefined {
    return this.#overlap;
  }

  /** The new set's generation during a reshard. */
  get generation(): number {
    return this.#generation;
  }

  /** Reshards to `count`, or Discord's recommendation but at least `atLeast` (after a 4011). */
  run(count?: number, atLeast = 1, beforeSwitch?: BeforeSwitch): Promise<ReshardResult> {
    if (this.#running) return Promise.reject(new Error('a reshard is already under way'));
    this.#abort = new AbortController();
    this.#running = this.#run(count, atLeast, this.#abort.signal, beforeSwitch).finally(() => {
      this.#running = undefined;
      this.#abort = undefined;
    });
    return this.#running;
  }

  /** A new shard stopped for good: the reshard fails, the old set keeps publishing. */
  fail(error: Error): void {
    this.#abort?.abort(error);
  }

  /** Stops a reshard under way (the manager is stopping). */
  async abort(): Promise<void> {
    const running = this.#running;
    if (!running) return;
    this.#abort?.abort(new Error('the shard manager is stopping'));
    await running.catch(() => {});
  }

  async #run(
    count: number | undefined,
    atLeast: number,
    signal: AbortSignal,
    beforeSwitch: BeforeSwitch | undefined,
  ): Promise<ReshardResult> {
    const host = this.#host;
    const { logger } = host.options;
    const info = await host.gatewayInfo();
    const from = host.currentCount();
    const to = count ?? Math.max(info.shards, atLeast);
    if (!Number.isInteger(to) || to < 1) throw new Error(`cannot reshard to ${to} shards`);
    const detail = { from, to };
    const generation = host.currentGeneration() + 1;
    const ids = host.newShardIds(to);
    const overlap = new Overlap({
      shards: ids,
      ...(host.options.reshardMaxHeld ? { maxHeld: host.options.reshardMaxHeld } : {}),
    });
    this.#generation = generation;
    this.#overlap = overlap;
    this.#incoming = new Map();
    host.emit('started', detail);
    logger?.info(detail, `resharding from ${from} to ${to} shards: identifying the new set`);
    let switched = false;
    try {
      for (const id of ids) {
        signal.throwIfAborted();
        this.#incoming.set(id, await host.startShard(id, { count: to, generation }));
      }
      const missingGuilds = await this.#waitLoaded(overlap, signal);
      signal.throwIfAborted();
      await beforeSwitch?.(signal);
      signal.throwIfAborted();
      // The layout first: a restart after it starts the new count, whose sessions the new set
      // stores from the switch on; a failed write fails the reshard rather than leave a restart to
      // identify the old count anew. (A crash between this write and the new sessions' first
      // write, a store round trip, identifies the new shards on the restart.)
      await host.saveLayout({ shardCount: to, generation });
      signal.throwIfAborted();
      // The switch: synchronous up to the publishes of what the new set held, so no live dispatch
      // of a new shard can pass its held ones.
      const released = overlap.switch();
      let releasedAtSwitch = 0;
      for (const [id, dispatches] of released) {
        const owned = this.#incoming.get(id)!;
        for (const dispatch of dispatches) void host.publish(owned, dispatch);
        releasedAtSwitch += dispatches.length;
      }
      switched = true;
      const old = await host.activate(this.#incoming, to, generation);
      host.emit('switched', detail);
      logger?.info({ ...detail, releasedAtSwitch }, 'reshard: the new set publishes');
      // The old set keeps publishing what only it receives (sent before a new session's snapshot).
      // A stop during the grace ends it early.
      const graceMs = host.options.reshardGraceMs ?? 5_000;
      await sleep(graceMs, signal, host.clock).catch(() => {});
      await host.closeSet(old);
      await this.#untilNewSetCaughtUp(overlap, graceMs, signal);
      this.#overlap = undefined;
      host.emit('done', detail);
      logger?.info(detail, 'reshard done: the old set is closed');
      return { from, to, releasedAtSwitch, missingGuilds };
    } catch (err) {
      if (!switched) {
        this.#overlap = undefined;
        await host.closeSet(this.#incoming.values());
        host.emit('failed', detail);
        logger?.error({ err, ...detail }, 'reshard failed: the old set keeps publishing');
      }
      throw err;
    } finally {
      this.#incoming = new Map();
    }
  }

  /**
   * The old set may have published, in its last moments, events the new set has not received yet:
   * the overlap keeps dropping those (and only those) until the new set delivered them, or for at
   * most `limitMs` (an event Discord sent the old set alone never comes).
   */
  async #untilNewSetCaughtUp(overlap: Overlap, limitMs: number, signal: AbortSignal): Promise<void> {
    overlap.deduper.closeOld();
    const clock = this.#host.clock;
    const until = clock.now() + limitMs;
    while (overlap.deduper.size > 0 && clock.now() < until && !signal.aborted) {
      await sleep(50, signal, clock).catch(() => {});
    }
  }

  /** Every new shard READY with its guilds; after the guild timeout, READY is enough. */
  async #waitLoaded(overlap: Overlap, signal: AbortSignal): Promise<string[]> {
    const host = this.#host;
    const timeoutMs = host.options.reshardGuildTimeoutMs ?? 30_000;
    const aborted = new Promise<never>((_, reject) => {
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
    aborted.catch(() => {});
    const everyReady = () => [...this.#incoming.values()].every((o) => o.shard.status === 'ready');
    let missing: string[] = [];
    // Loaded, or the guild timeout passed since every new shard was READY.
    let readySince: number | undefined;
    const loaded = overlap.whenLoaded();
    while (!overlap.loaded) {
      await Promise.race([loaded, sleep(100, undefined, host.clock), aborted]);
      if (overlap.loaded) break;
      if (!everyReady()) {
        readySince = undefined;
        continue;
      }
      readySince ??= host.clock.now();
      if (host.clock.now() - readySince >= timeoutMs) {
        missing = overlap.giveUpWaiting();
        host.options.logger?.warn(
          { guilds: missing.length },
          'reshard: some guilds never arrived on the new set; switching without them',
        );
      }
    }
    return missing;
  }
}
