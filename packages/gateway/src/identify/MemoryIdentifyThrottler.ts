/** Identify throttling inside one process: one IDENTIFY per bucket per 5 s, within the daily budget. */
import { type Clock, type Logger, sleep } from '@shardwire/core';
import { budgetWarning } from './budget.js';
import {
  DEFAULT_IDENTIFY_INTERVAL_MS,
  type IdentifyThrottler,
  type SessionStartLimit,
} from './IdentifyThrottler.js';

export interface MemoryIdentifyThrottlerOptions {
  limit: SessionStartLimit;
  clock: Clock;
  /** Time between two IDENTIFYs of one bucket. Default `DEFAULT_IDENTIFY_INTERVAL_MS` (5 s and a margin). */
  intervalMs?: number;
  logger?: Logger;
}

interface Bucket {
  nextAt: number;
  tail: Promise<void>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export class MemoryIdentifyThrottler implements IdentifyThrottler {
  readonly #options: MemoryIdentifyThrottlerOptions;
  readonly #buckets = new Map<number, Bucket>();
  #remaining: number;
  #resetAt: number;

  constructor(options: MemoryIdentifyThrottlerOptions) {
    this.#options = options;
    this.#remaining = options.limit.remaining;
    this.#resetAt = options.clock.now() + options.limit.resetAfter;
  }

  waitForIdentify(shardId: number, signal?: AbortSignal): Promise<void> {
    const key = shardId % Math.max(1, this.#options.limit.maxConcurrency);
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      bucket = { nextAt: 0, tail: Promise.resolve() };
      this.#buckets.set(key, bucket);
    }
    const b = bucket;
    const turn = b.tail.then(() => this.#take(b, shardId, signal));
    b.tail = turn.catch(() => {});
    return turn;
  }

  async remaining(): Promise<number> {
    this.#refill();
    return this.#remaining;
  }

  async #take(bucket: Bucket, shardId: number, signal?: AbortSignal): Promise<void> {
    const { clock, logger } = this.#options;
    for (;;) {
      signal?.throwIfAborted();
      const now = clock.now();
      if (now < bucket.nextAt) {
        await sleep(bucket.nextAt - now, signal, clock);
        continue;
      }
      this.#refill();
      if (this.#remaining <= 0) {
        const waitMs = this.#resetAt - now;
        logger?.warn(
          { shard: shardId, waitMs },
          `session start limit used up: waiting ${Math.ceil(waitMs / 1000)} s for it to reset rather than identify`,
        );
        await sleep(waitMs, signal, clock);
        continue;
      }
      this.#remaining--;
      bucket.nextAt = now + (this.#options.intervalMs ?? DEFAULT_IDENTIFY_INTERVAL_MS);
      const warning = budgetWarning(this.#remaining, this.#options.limit.total);
      if (warning) logger?.warn({ remaining: this.#remaining, total: this.#options.limit.total }, warning);
      return;
    }
  }

  #refill(): void {
    const now = this.#options.clock.now();
    if (now >= this.#resetAt) {
      this.#remaining = this.#options.limit.total;
      this.#resetAt = now + DAY_MS;
    }
  }
}
