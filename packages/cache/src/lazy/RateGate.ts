/** At most `perSecond` starts in any window of one second, first come first served; time from a Clock. */
import type { Clock, Timer } from '@shardwire/core';

export class RateGate {
  readonly #starts: number[] = [];
  readonly #queue: (() => void)[] = [];
  #timer: Timer | undefined;

  constructor(
    private readonly perSecond: number,
    private readonly clock: Clock,
  ) {
    if (!Number.isInteger(perSecond) || perSecond < 1)
      throw new RangeError('RateGate: perSecond must be a positive integer');
  }

  /** Resolves when the caller may start. */
  acquire(): Promise<void> {
    return new Promise((resolve) => {
      this.#queue.push(resolve);
      this.#drain();
    });
  }

  get waiting(): number {
    return this.#queue.length;
  }

  #drain(): void {
    while (this.#queue.length > 0) {
      const now = this.clock.now();
      while (this.#starts.length > 0 && this.#starts[0]! <= now - 1000) this.#starts.shift();
      if (this.#starts.length < this.perSecond) {
        this.#starts.push(now);
        this.#queue.shift()!();
        continue;
      }
      this.#timer ??= this.clock.setTimeout(
        () => {
          this.#timer = undefined;
          this.#drain();
        },
        this.#starts[0]! + 1000 - now,
      );
      return;
    }
  }

  /** Cancels the pending timer; waiting callers stay unresolved (call only at shutdown). */
  close(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
  }
}
