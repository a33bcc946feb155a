/** Heartbeating on one connection: jittered first beat, ACK tracking, zombie detection. */
import type { Clock, Timer } from '@shardwire/core';

export interface HeartbeatOptions {
  clock: Clock;
  intervalMs: number;
  /** Returns [0, 1); the first beat waits `intervalMs * random()` as Discord asks. */
  random?: () => number;
  /** Sends op 1 with the last sequence number. */
  beat: () => void;
  /** The previous beat was never acknowledged: the connection is a zombie. */
  onZombie: () => void;
}

export class Heartbeat {
  readonly #options: HeartbeatOptions;
  #timer: Timer | undefined;
  #acked = true;
  #sentAt: number | undefined;
  #latencyMs: number | undefined;
  #stopped = false;

  constructor(options: HeartbeatOptions) {
    this.#options = options;
  }

  /** Round trip of the last acknowledged beat, in ms. */
  get latencyMs(): number | undefined {
    return this.#latencyMs;
  }

  start(): void {
    const random = this.#options.random ?? Math.random;
    this.#schedule(Math.floor(this.#options.intervalMs * random()));
  }

  /** HEARTBEAT_ACK (op 11). */
  ack(): void {
    this.#acked = true;
    if (this.#sentAt !== undefined) this.#latencyMs = this.#options.clock.now() - this.#sentAt;
  }

  /** The gateway asked for a beat now (op 1); the regular schedule is unchanged. */
  beatNow(): void {
    if (!this.#stopped) this.#send();
  }

  stop(): void {
    this.#stopped = true;
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = this.#options.clock.setTimeout(() => this.#tick(), ms);
  }

  #tick(): void {
    if (!this.#acked) {
      this.stop();
      this.#options.onZombie();
      return;
    }
    this.#send();
    this.#schedule(this.#options.intervalMs);
  }

  #send(): void {
    this.#acked = false;
    this.#sentAt = this.#options.clock.now();
    this.#options.beat();
  }
}
