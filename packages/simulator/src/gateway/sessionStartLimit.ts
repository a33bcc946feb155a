/**
 * Discord's session start limit per bot (`session_start_limit` in `GET /gateway/bot`): `total`
 * IDENTIFYs per `reset_after` window (RESUMEs are free), and at most one IDENTIFY per 5 s in each
 * `shard_id % max_concurrency` bucket. When enforced, IDENTIFY past either limit is refused.
 */
import type { Clock } from '@shardwire/core';

export interface SessionStartLimitOptions {
  total: number;
  resetAfterMs: number;
  maxConcurrency: number;
  /** One IDENTIFY per bucket per this many ms (Discord: 5 s). */
  identifyIntervalMs: number;
  /** false: count and report, never refuse. */
  enforce: boolean;
}

export const DEFAULT_SESSION_START_LIMIT: SessionStartLimitOptions = {
  total: 1000,
  resetAfterMs: 24 * 60 * 60 * 1000,
  maxConcurrency: 1,
  identifyIntervalMs: 5000,
  enforce: true,
};

/** Why an IDENTIFY was refused, or `ok`. */
export type StartVerdict = 'ok' | 'exhausted' | 'concurrency';

interface BotLimits {
  total?: number;
  maxConcurrency?: number;
}

export class SessionStartLimits {
  readonly #used = new Map<string, { used: number; resetAt: number }>();
  readonly #perBot = new Map<string, BotLimits>();
  /** "botId/bucket" → time of the bucket's last IDENTIFY. */
  readonly #lastIdentify = new Map<string, number>();
  readonly #options: SessionStartLimitOptions;

  constructor(
    private readonly clock: Clock,
    options: Partial<SessionStartLimitOptions> = {},
  ) {
    this.#options = { ...DEFAULT_SESSION_START_LIMIT, ...options };
  }

  /** Sets a bot's own `total` and `max_concurrency` (big bots get 16 or more). */
  configure(botId: string, limits: BotLimits): void {
    this.#perBot.set(botId, { ...this.#perBot.get(botId), ...limits });
  }

  /** Checks and, when allowed (or not enforced), records one IDENTIFY of `botId` on `shardId`. */
  tryIdentify(botId: string, shardId: number): StartVerdict {
    const now = this.clock.now();
    const window = this.#window(botId);
    const bucketKey = `${botId}/${shardId % this.#maxConcurrency(botId)}`;
    if (this.#options.enforce) {
      if (window.used >= this.#total(botId)) return 'exhausted';
      const last = this.#lastIdentify.get(bucketKey);
      if (last !== undefined && now - last < this.#options.identifyIntervalMs) return 'concurrency';
    }
    this.#lastIdentify.set(bucketKey, now);
    window.used++;
    return 'ok';
  }

  describe(botId: string): {
    total: number;
    remaining: number;
    reset_after: number;
    max_concurrency: number;
  } {
    const window = this.#window(botId);
    const total = this.#total(botId);
    return {
      total,
      remaining: Math.max(0, total - window.used),
      reset_after: Math.max(0, window.resetAt - this.clock.now()),
      max_concurrency: this.#maxConcurrency(botId),
    };
  }

  #total(botId: string): number {
    return this.#perBot.get(botId)?.total ?? this.#options.total;
  }

  #maxConcurrency(botId: string): number {
    return this.#perBot.get(botId)?.maxConcurrency ?? this.#options.maxConcurrency;
  }

  #window(botId: string): { used: number; resetAt: number } {
    const now = this.clock.now();
    let window = this.#used.get(botId);
    if (!window || window.resetAt <= now) {
      window = { used: 0, resetAt: now + this.#options.resetAfterMs };
      this.#used.set(botId, window);
    }
    return window;
  }
}
