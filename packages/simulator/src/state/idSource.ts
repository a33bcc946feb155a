/**
 * Snowflakes with Discord's epoch. Each id takes its own millisecond, a small random step after the
 * last, so guilds made in a burst still spread over shards (`(id >> 22) % count`) as real ones do.
 * With a seed, the ids made before `followClock()` are the same every run.
 */
import { type Clock, DISCORD_EPOCH } from '@shardwire/core';
import type { Random } from './random.js';

/** 2025-01-01T00:00:00Z: where seeded ids start. */
const SEEDED_START_MS = 1_735_689_600_000;
const MAX_STEP_MS = 64;

export class IdSource {
  #ms: number;
  #followClock: boolean;

  constructor(
    private readonly clock: Clock,
    private readonly random: Random,
    seeded: boolean,
  ) {
    this.#followClock = !seeded;
    this.#ms = seeded ? SEEDED_START_MS : clock.now();
  }

  /** From now on ids never fall behind the clock (called once seeded set-up is done). */
  followClock(): void {
    this.#followClock = true;
  }

  next(): string {
    const stepped = this.#ms + 1 + this.random.int(MAX_STEP_MS);
    this.#ms = this.#followClock ? Math.max(stepped, this.clock.now()) : stepped;
    return ((BigInt(this.#ms) - DISCORD_EPOCH) << 22n).toString();
  }
}
