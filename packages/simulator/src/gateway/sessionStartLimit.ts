/** Discord's daily session start limit per bot (`session_start_limit` in `GET /gateway/bot`). */
import type { Clock } from '@shardwire/core';

export interface SessionStartLimitOptions {
  total: number;
  resetAfterMs: number;
  maxConcurrency: number;
}

export const DEFAULT_SESSION_START_LIMIT: SessionStartLimitOptions = {
  total: 1000,
  resetAfterMs: 24 * 60 * 60 * 1000,
  maxConcurrency: 1,
};

export class SessionStartLimits {
  readonly #used = new Map<string, { used: number; resetAt: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly options: SessionStartLimitOptions = DEFAULT_SESSION_START_LIMIT,
  ) {}

  /** Records one IDENTIFY of `botId`. */
  take(botId: string): void {
    this.#window(botId).used++;
  }

  describe(botId: string): {
    total: number;
    remaining: number;
    reset_after: number;
    max_concurrency: number;
  } {
    const window = this.#window(botId);
    return {
      total: this.options.total,
      remaining: Math.max(0, this.options.total - window.used),
      reset_after: Math.max(0, window.resetAt - this.clock.now()),
      max_concurrency: this.options.maxConcurrency,
    };
  }

  #window(botId: string): { used: number; resetAt: number } {
    const now = this.clock.now();
    let window = this.#used.get(botId);
    if (!window || window.resetAt <= now) {
      window = { used: 0, resetAt: now + this.options.resetAfterMs };
      this.#used.set(botId, window);
    }
    return window;
  }
}
