/**
 * Identify throttling shared by every gateway process of a bot through Redis: a bucket key held for
 * 5 s (and a margin) per IDENTIFY and one budget counter that expires when Discord's daily limit resets. One Lua
 * script does the check and the take atomically, so processes never identify faster together.
 */
import { type Logger, sleep } from '@shardwire/core';
import type { Redis } from 'ioredis';
import { budgetWarning } from './budget.js';
import {
  DEFAULT_IDENTIFY_INTERVAL_MS,
  type IdentifyThrottler,
  type SessionStartLimit,
} from './IdentifyThrottler.js';

export interface RedisIdentifyThrottlerOptions {
  redis: Redis;
  /** Keys are `<keyPrefix>:identify:*`; use one prefix per bot. */
  keyPrefix: string;
  limit: SessionStartLimit;
  /** Time between two IDENTIFYs of one bucket. Default `DEFAULT_IDENTIFY_INTERVAL_MS` (5 s and a margin). */
  intervalMs?: number;
  logger?: Logger;
}

const DAY_MS = 24 * 60 * 60 * 1000;

// KEYS[1] bucket lock, KEYS[2] budget; ARGV interval ms, total, day ms.
// The budget key expires when Discord resets the limit; a missing key means a fresh day's total.
// Returns {1, left} on success, {0, wait ms} while the bucket is held, {-1, wait ms} when the budget is out.
const TAKE = `
local held = redis.call('PTTL', KEYS[1])
if held > 0 then return {0, held} end
local budget = redis.call('GET', KEYS[2])
if not budget then
  redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
  budget = ARGV[2]
end
if tonumber(budget) <= 0 then return {-1, redis.call('PTTL', KEYS[2])} end
local left = redis.call('DECR', KEYS[2])
redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
return {1, left}
`;

// KEYS[1] budget; ARGV remaining, reset after ms. Never raises a budget other processes already spent from.
const SYNC = `
local budget = redis.call('GET', KEYS[1])
if not budget then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
elseif tonumber(ARGV[1]) < tonumber(budget) then
  redis.call('SET', KEYS[1], ARGV[1], 'KEEPTTL')
end
return 1
`;

export class RedisIdentifyThrottler implements IdentifyThrottler {
  readonly #options: RedisIdentifyThrottlerOptions;
  #synced: Promise<unknown> | undefined;

  constructor(options: RedisIdentifyThrottlerOptions) {
    this.#options = options;
  }

  /**
   * Seeds the shared budget from Discord's `remaining` and `reset_after`, or lowers it to them:
   * another process may have read the same numbers and spent some already, so it never rises.
   */
  #sync(): Promise<unknown> {
    const { redis, limit } = this.#options;
    this.#synced ??= redis.eval(
      SYNC,
      1,
      this.#budgetKey,
      String(limit.remaining),
      String(Math.max(1, limit.resetAfter)),
    );
    return this.#synced;
  }

  get #budgetKey(): string {
    return `${this.#options.keyPrefix}:identify:budget`;
  }

  async waitForIdentify(shardId: number, signal?: AbortSignal): Promise<void> {
    const { redis, keyPrefix, limit, logger } = this.#options;
    const bucketKey = `${keyPrefix}:identify:bucket:${shardId % Math.max(1, limit.maxConcurrency)}`;
    await this.#sync();
    for (;;) {
      signal?.throwIfAborted();
      const [state, value] = (await redis.eval(
        TAKE,
        2,
        bucketKey,
        this.#budgetKey,
        String(this.#options.intervalMs ?? DEFAULT_IDENTIFY_INTERVAL_MS),
        String(limit.total),
        String(DAY_MS),
      )) as [number, number];
      if (state === 1) {
        const warning = budgetWarning(value, limit.total);
        if (warning) logger?.warn({ remaining: value, total: limit.total }, warning);
        return;
      }
      if (state === -1) {
        logger?.warn(
          { shard: shardId, waitMs: value },
          `session start limit used up: waiting ${Math.ceil(value / 1000)} s for it to reset rather than identify`,
        );
        await sleep(Math.min(Math.max(value, 50), 60_000), signal);
        continue;
      }
      // The bucket is held by another process (or an earlier shard of ours): try again when it frees.
      await sleep(Math.max(value, 5), signal);
    }
  }

  async remaining(): Promise<number> {
    const value = await this.#options.redis.get(this.#budgetKey);
    return value === null ? this.#options.limit.remaining : Number(value);
  }
}
