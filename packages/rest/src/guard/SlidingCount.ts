/** Events counted in a sliding window, one slot per second: fixed memory however many there are. */

export class SlidingCount {
  readonly #slots: Int32Array;
  readonly #stamps: Float64Array;
  readonly #slotMs: number;

  constructor(windowMs: number, slotMs = 1000) {
    const slots = Math.max(1, Math.ceil(windowMs / slotMs));
    this.#slots = new Int32Array(slots);
    this.#stamps = new Float64Array(slots).fill(-1);
    this.#slotMs = slotMs;
  }

  add(now: number, count = 1): void {
    const tick = Math.floor(now / this.#slotMs);
    const at = tick % this.#slots.length;
    if (this.#stamps[at] !== tick) {
      this.#stamps[at] = tick;
      this.#slots[at] = 0;
    }
    this.#slots[at]! += count;
  }

  total(now: number): number {
    const tick = Math.floor(now / this.#slotMs);
    let sum = 0;
    for (let i = 0; i < this.#slots.length; i++) {
      const stamp = this.#stamps[i]!;
      if (stamp > tick - this.#slots.length && stamp <= tick) sum += this.#slots[i]!;
    }
    return sum;
  }

  /** Milliseconds until the oldest counted slot leaves the window. */
  msUntilOldestLeaves(now: number): number {
    const tick = Math.floor(now / this.#slotMs);
    let oldest = tick;
    for (let i = 0; i < this.#slots.length; i++) {
      const stamp = this.#stamps[i]!;
      if (stamp > tick - this.#slots.length && this.#slots[i]! > 0) oldest = Math.min(oldest, stamp);
    }
    return (oldest + this.#slots.length) * this.#slotMs - now;
  }
}
