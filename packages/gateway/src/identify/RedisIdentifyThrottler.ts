/**
 * Identify throttling shared by every gateway process of a bot through Redis: a bucket key held for
 * 5 s per IDENTIFY and one budget counter that expires when Discord's daily limit resets. One Lua
 * script does the check and the take atomically, so processes never identify faster together.
 */
import { type Logger, sleep } from '@shardwire/core';
import type { Redis } from 'ioredis';
import { budgetWarning } from './budget.js';
import type { IdentifyThrottler, SessionStartLimit } from './IdentifyThrottler.js';

export interface RedisIdentifyThrottlerOptions {
  redis: Redis;
  /** Keys are `<keyPrefix>:identify:*`; use one prefix per bot. */
  keyPrefix: string;
  limit: SessionStartLimit;
  intervalMs?: number;
  logger?: Logger;
}

// KEYS[1] bucket lock, KEYS[2] budget; ARGV interval ms, remaining, reset after ms.
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

export class RedisIdentifyThrottler implements IdentifyThrottler {
  readonly #options: RedisIdentifyThrottlerOptions;

  constructor(options: RedisIdentifyThrottlerOptions) {
    this.#options = options;
  }

  get #budgetKey(): string {
    return `${this.#options.keyPrefix}:identify:budget`;
  }

  async waitForIdentify(shardId: number, signal?: AbortSignal): Promise<void> {
    const { redis, keyPrefix, limit, logger } = this.#options;
    const bucketKey = `${keyPrefix}:identify:bucket:${shardId % Math.max(1, limit.maxConcurrency)}`;
    for (;;) {
      signal?.throwIfAborted();
      const [state, value] = (await redis.eval(
        TAKE,
        2,
        bucketKey,
        this.#budgetKey,
        String(this.#options.intervalMs ?? 5_000),
        String(limit.remaining),
        String(Math.max(1, limit.resetAfter)),
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
