/** Time as a dependency, so tests advance it instead of sleeping. */

export interface Timer {
  cancel(): void;
}

export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): Timer;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(callback, ms) {
    const handle = setTimeout(callback, ms);
    return { cancel: () => clearTimeout(handle) };
  },
};

/** A clock that moves only when told to; timers fire in due order during `advance`. */
export class ManualClock implements Clock {
  #now: number;
  #timers: { due: number; seq: number; callback: () => void; cancelled: boolean }[] = [];
  #seq = 0;

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): Timer {
    const timer = { due: this.#now + Math.max(0, ms), seq: this.#seq++, callback, cancelled: false };
    this.#timers.push(timer);
    return { cancel: () => (timer.cancelled = true) };
  }

  /** Moves time forward by `ms`, firing each timer that falls due, in order. */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      const next = this.#timers
        .filter((t) => !t.cancelled && t.due <= target)
        .sort((a, b) => a.due - b.due || a.seq - b.seq)[0];
      if (!next) break;
      this.#timers = this.#timers.filter((t) => t !== next);
      this.#now = next.due;
      next.callback();
    }
    this.#now = target;
    this.#timers = this.#timers.filter((t) => !t.cancelled);
  }

  get pendingTimers(): number {
    return this.#timers.filter((t) => !t.cancelled).length;
  }
}

/** Waits `ms` on `clock` (a `ManualClock` in tests); rejects with the signal's reason when aborted. */
export function sleep(ms: number, signal?: AbortSignal, clock: Clock = systemClock): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      timer.cancel();
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
