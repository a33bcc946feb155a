/**
 * A session's dispatches kept for RESUME, as their JSON texts numbered from `firstSeq`: an array
 * with a moving head (dropping the oldest is O(1); the array is compacted now and then), so a long
 * buffer is strings, not objects for the GC to trace.
 */
export class ReplayBuffer {
  #texts: string[] = [];
  #head = 0;
  /** The seq of `#texts[#head]`. */
  #firstSeq = 1;

  get length(): number {
    return this.#texts.length - this.#head;
  }

  /** Appends the dispatch numbered `firstSeq + length`. */
  push(text: string): void {
    this.#texts.push(text);
  }

  /** Drops the oldest dispatches until at most `max` are kept. */
  keepLast(max: number): void {
    const drop = this.length - max;
    if (drop <= 0) return;
    this.#head += drop;
    this.#firstSeq += drop;
    if (this.#head >= 1024 && this.#head * 2 >= this.#texts.length) {
      this.#texts = this.#texts.slice(this.#head);
      this.#head = 0;
    }
  }

  /** The texts of the dispatches after `seq`, in order; undefined when some of them were dropped. */
  after(seq: number): string[] | undefined {
    if (seq + 1 < this.#firstSeq) return undefined;
    return this.#texts.slice(this.#head + (seq + 1 - this.#firstSeq));
  }
}
