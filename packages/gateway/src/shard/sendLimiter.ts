/**
 * Discord's gateway send limit: at most `limit` (120) payloads in any `windowMs` (60 s) on one
 * connection. Ordinary commands queue in FIFO order and may use all but `reserved` slots, so a
 * heartbeat (and IDENTIFY/RESUME) always finds room.
 */
import type { Clock, Timer } from '@shardwire/core';

export interface SendLimiterOptions {
  clock: Clock;
  /** Default 120. */
  limit?: number;
  /** Default 60,000 ms. */
  windowMs?: number;
  /** Slots kept for priority sends. Default 3; see `reserveForHeartbeat`. */
  reserved?: number;
}

interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

export class SendLimiter {
  readonly #clock: Clock;
  readonly #limit: number;
  readonly #windowMs: number;
  #reserved: number;
  /** Send times within the window, oldest first. */
  #sent: number[] = [];
  #waiters: Waiter[] = [];
  #timer: Timer | undefined;

  constructor(options: SendLimiterOptions) {
    this.#clock = options.clock;
    this.#limit = options.limit ?? 120;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#reserved = options.reserved ?? 3;
  }

  /** Keeps room for every heartbeat of a window at `intervalMs`, plus one IDENTIFY or RESUME. */
  reserveForHeartbeat(intervalMs: number): void {
    this.#reserved = Math.min(this.#limit - 1, Math.ceil(this.#windowMs / intervalMs) + 1);
    this.#pump();
  }

  /** Slots an ordinary command could take now. */
  get available(): number {
    this.#expire();
    return Math.max(0, this.#limit - this.#reserved - this.#sent.length);
  }

  get queued(): number {
    return this.#waiters.length;
  }

  /** Heartbeat, IDENTIFY, RESUME: takes a slot from the whole limit; false only if all 120 are used. */
  tryPriority(): boolean {
    this.#expire();
    if (this.#sent.length >= this.#limit) return false;
    this.#sent.push(this.#clock.now());
    return true;
  }

  /** Resolves when an ordinary command may be sent (the slot is taken); FIFO. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          this.#waiters = this.#waiters.filter((w) => w !== waiter);
          reject(signal!.reason);
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.#waiters.push(waiter);
      this.#pump();
    });
  }

  /** A new connection starts a new window. */
  reset(): void {
    this.#sent = [];
    this.#pump();
  }

  /** Rejects every waiter (the shard stopped). */
  close(reason: unknown): void {
    this.#timer?.cancel();
    this.#timer = undefined;
    for (const waiter of this.#waiters.splice(0)) {
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.reject(reason);
    }
  }

  #expire(): void {
    const horizon = this.#clock.now() - this.#windowMs;
    let drop = 0;
    while (drop < this.#sent.length && this.#sent[drop]! <= horizon) drop++;
    if (drop > 0) this.#sent.splice(0, drop);
  }

  #pump(): void {
    this.#expire();
    while (this.#waiters.length > 0 && this.#sent.length < this.#limit - this.#reserved) {
      const waiter = this.#waiters.shift()!;
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      this.#sent.push(this.#clock.now());
      waiter.resolve();
    }
    if (this.#waiters.length > 0 && this.#timer === undefined && this.#sent.length > 0) {
      const wait = this.#sent[0]! + this.#windowMs - this.#clock.now();
      this.#timer = this.#clock.setTimeout(
        () => {
          this.#timer = undefined;
          this.#pump();
        },
        Math.max(1, wait),
      );
    }
  }
}
