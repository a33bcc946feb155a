/**
 * One reshard's overlap: the new shard set runs beside the old one. The old set publishes until the
 * switch; the new set's dispatches are held (not applied to the cache, not published) until then,
 * except its start (READY and the snapshot GUILD_CREATEs), which the old set's cache already covers
 * and which is never published. `OverlapDeduper` decides who publishes what, by content key.
 */
import type { Dispatch } from '../shard/shard.js';
import { dispatchKey } from './dispatchKey.js';
import { GuildLoad } from './guildLoad.js';
import { OverlapDeduper } from './OverlapDeduper.js';

interface Held {
  dispatch: Dispatch;
  key: string;
  occurrence: number;
}

export interface OverlapOptions {
  /** The new shard ids. */
  shards: readonly number[];
  /** Dispatches a new shard may hold before it stops reading until the switch. Default 50,000. */
  maxHeld?: number;
}

/** How far a new shard's session is nothing but its start (READY, snapshot GUILD_CREATEs). */
interface StartPrefix {
  sessionId: string;
  /** The last seq of that prefix; undefined before the first start dispatch. */
  seq: number | undefined;
  /** A dispatch that is not part of the start arrived: the prefix ended. */
  ended: boolean;
}

export class Overlap {
  readonly deduper = new OverlapDeduper();
  readonly #starts = new Map<number, StartPrefix>();
  readonly #loads = new Map<number, GuildLoad>();
  readonly #held = new Map<number, Held[]>();
  readonly #maxHeld: number;
  #switchWaiters: (() => void)[] = [];
  #loadedWaiters: (() => void)[] = [];

  constructor(options: OverlapOptions) {
    this.#maxHeld = options.maxHeld ?? 50_000;
    for (const id of options.shards) {
      this.#loads.set(id, new GuildLoad());
      this.#held.set(id, []);
    }
  }

  get switched(): boolean {
    return this.deduper.switched;
  }

  /** Dispatches the new set holds until the switch. */
  get held(): number {
    let n = 0;
    for (const list of this.#held.values()) n += list.length;
    return n;
  }

  /** Every new shard READY and its guilds arrived. */
  get loaded(): boolean {
    return [...this.#loads.values()].every((load) => load.loaded);
  }

  /** Resolves once `loaded` holds. */
  whenLoaded(): Promise<void> {
    if (this.loaded) return Promise.resolve();
    return new Promise((resolve) => this.#loadedWaiters.push(resolve));
  }

  /** New shards that are READY but still wait for guilds give up on them; returns those guild ids. */
  giveUpWaiting(): string[] {
    const left: string[] = [];
    for (const load of this.#loads.values()) if (load.ready && !load.loaded) left.push(...load.giveUp());
    this.#checkLoaded();
    return left;
  }

  /** An old-set dispatch: true when the old set publishes it. */
  fromOld(dispatch: Dispatch): boolean {
    return this.deduper.deliver('old', dispatchKey(dispatch)).action === 'publish';
  }

  /**
   * A new-set dispatch: `publish`, `drop`, `hold` (kept until the switch) or a promise when the
   * shard holds too many (it waits for the switch, which releases them).
   */
  fromNew(dispatch: Dispatch): 'publish' | 'drop' | 'hold' | Promise<void> {
    const load = this.#loads.get(dispatch.shard);
    if (!load) throw new Error(`shard ${dispatch.shard} is not part of the new set`);
    const start = !this.switched && load.observe(dispatch.t, dispatch.d);
    this.#trackStart(dispatch, start);
    if (start) {
      this.#checkLoaded();
      return 'drop';
    }
    const key = dispatchKey(dispatch);
    const decision = this.deduper.deliver('new', key);
    if (decision.action !== 'hold') return decision.action;
    const held = this.#held.get(dispatch.shard)!;
    held.push({ dispatch, key, occurrence: decision.occurrence });
    if (held.length < this.#maxHeld) return 'hold';
    return new Promise((resolve) => this.#switchWaiters.push(resolve));
  }

  /**
   * Switches publishing to the new set; returns, per new shard and in order, the held dispatches
   * the old set has not delivered (the caller publishes them before anything else of that shard).
   */
  switch(): Map<number, Dispatch[]> {
    this.deduper.switch();
    const out = new Map<number, Dispatch[]>();
    for (const [id, held] of this.#held) {
      out.set(
        id,
        held.filter((h) => this.deduper.release(h.key, h.occurrence)).map((h) => h.dispatch),
      );
      held.length = 0;
    }
    for (const wake of this.#switchWaiters.splice(0)) wake();
    return out;
  }

  /**
   * The seq up to which new shard `shard`'s session `sessionId` delivered nothing but its start:
   * nothing below it is ever published, so a session stored there resumes without losing anything
   * (a new shard that publishes nothing else would otherwise have no stored session to resume).
   */
  startSeq(shard: number, sessionId: string): number | undefined {
    const prefix = this.#starts.get(shard);
    return prefix?.sessionId === sessionId ? prefix.seq : undefined;
  }

  #trackStart(dispatch: Dispatch, start: boolean): void {
    const prefix = this.#starts.get(dispatch.shard);
    if (prefix?.sessionId !== dispatch.sessionId) {
      const seq = start ? dispatch.seq : undefined;
      this.#starts.set(dispatch.shard, { sessionId: dispatch.sessionId, seq, ended: !start });
    } else if (!prefix.ended) {
      if (start) prefix.seq = dispatch.seq;
      else prefix.ended = true;
    }
  }

  #checkLoaded(): void {
    if (this.loaded) for (const wake of this.#loadedWaiters.splice(0)) wake();
  }
}
