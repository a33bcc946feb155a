/** Fixed windows keyed by string: the counter behind route buckets, shared limits and global limits. */
import type { Clock } from '@shardwire/core';

export interface WindowState {
  /** Requests taken in this window. */
  count: number;
  /** Epoch ms at which the window resets. */
  resetAt: number;
}

export interface Take {
  allowed: boolean;
  state: WindowState;
}

/** Expired windows are dropped at most once per this many ms of clock time. */
const SWEEP_EVERY_MS = 10_000;

export class FixedWindows {
  readonly #windows = new Map<string, WindowState>();
  #nextSweep = 0;

  constructor(private readonly clock: Clock) {}

  get size(): number {
    return this.#windows.size;
  }

  /** Takes one request from `key`'s window if under `limit`; a window opens on its first request. */
  take(key: string, limit: number, windowMs: number): Take {
    const now = this.clock.now();
    this.#sweep(now);
    let state = this.#windows.get(key);
    if (!state || state.resetAt <= now) {
      state = { count: 0, resetAt: now + windowMs };
      this.#windows.set(key, state);
    }
    if (state.count >= limit) return { allowed: false, state };
    state.count++;
    return { allowed: true, state };
  }

  #sweep(now: number): void {
    if (now < this.#nextSweep) return;
    this.#nextSweep = now + SWEEP_EVERY_MS;
    for (const [key, state] of this.#windows) if (state.resetAt <= now) this.#windows.delete(key);
  }
}
