/**
 * Exactly-once publishing across a reshard's overlap, when the old and the new shard set both
 * receive a guild's dispatches (under different sessions and seqs).
 *
 * Rule: the n-th occurrence of a dispatch (same group, same content key) is published by whichever
 * set delivers it first. The old set delivers at receipt; the new set's dispatches received before
 * the switch are held and count as delivered at the switch. So before the switch the old set
 * publishes everything; at the switch the new set publishes only what the old set has not (yet)
 * received; afterwards each side publishes what it receives first and drops what the other side
 * already published. Dispatches only the old set ever sees (sent before the new session's
 * snapshot) are published by the old set, as long as it stays open (the grace after the switch).
 *
 * Content keys are exact for content-distinct dispatches; content-identical dispatches of one
 * guild within the overlap are counted as a multiset.
 *
 * Once the old set is closed, the new set may still be behind it (the old published an event the
 * new has not received yet): the keys the new set still owes are kept, and only those, until it
 * delivers them; everything else it receives is published without being remembered.
 */

export type OverlapSide = 'old' | 'new';

interface Counts {
  old: number;
  new: number;
}

export class OverlapDeduper {
  readonly #counts = new Map<string, Counts>();
  #switched = false;
  #oldClosed = false;
  #held = 0;

  get switched(): boolean {
    return this.#switched;
  }

  /** Keys remembered (for metrics and tests); after `closeOld`, the deliveries the new set owes. */
  get size(): number {
    return this.#counts.size;
  }

  /**
   * Records a delivery and says whether to publish it. A new-set delivery before the switch returns
   * `hold` with its occurrence number; pass that to `release` at the switch.
   */
  deliver(
    side: OverlapSide,
    key: string,
  ): { action: 'publish' | 'drop' } | { action: 'hold'; occurrence: number } {
    let counts = this.#counts.get(key);
    if (!counts) {
      if (this.#oldClosed && side === 'new') return { action: 'publish' };
      counts = { old: 0, new: 0 };
      this.#counts.set(key, counts);
    }
    counts[side]++;
    if (side === 'new' && !this.#switched) {
      this.#held++;
      return { action: 'hold', occurrence: counts.new };
    }
    if (side === 'old' && !this.#switched) return { action: 'publish' };
    const other = side === 'old' ? counts.new : counts.old;
    const publish = counts[side] > other;
    this.#prune(key, counts);
    return { action: publish ? 'publish' : 'drop' };
  }

  /** From now on deliveries are decided at once; held ones go through `release`, in order. */
  switch(): void {
    this.#switched = true;
  }

  /**
   * The old set is closed (after the switch): it delivers nothing more. Keeps only the keys the old
   * set published more often than the new set has delivered them so far.
   */
  closeOld(): void {
    if (!this.#switched) throw new Error('old set closed before the switch');
    if (this.#oldClosed) return;
    this.#oldClosed = true;
    for (const [key, counts] of this.#counts) if (counts.old <= counts.new) this.#counts.delete(key);
  }

  /** A held new-set delivery, at the switch: publish it unless the old set already delivered it. */
  release(key: string, occurrence: number): boolean {
    if (!this.#switched) throw new Error('release before the switch');
    const counts = this.#counts.get(key);
    this.#held--;
    const publish = !counts || occurrence > counts.old;
    if (counts) this.#prune(key, counts);
    return publish;
  }

  /** Equal counts no longer decide anything (while nothing is held, occurrence numbers are relative). */
  #prune(key: string, counts: Counts): void {
    if (this.#held === 0 && counts.old === counts.new) this.#counts.delete(key);
  }
}
