/**
 * Decides whether a request may run: the bot's global limit, then its route bucket (per bot, bucket
 * and top-level resource), and per-resource shared limits. Answers the headers Discord sends and the
 * 429 body. Pure of HTTP: the REST stage (`stage.ts`) applies the decision to a reply.
 */
import type { Clock } from '@shardwire/core';
import { GLOBAL_LIMIT, type ResolvedRoute, type SharedLimit } from './routeLimits.js';
import { FixedWindows, type WindowState } from './windows.js';

export type RateLimitScope = 'user' | 'global' | 'shared';

export interface RateLimitBody {
  message: string;
  retry_after: number;
  global: boolean;
}

export type Decision =
  | { allowed: true; headers: Record<string, string> }
  | { allowed: false; scope: RateLimitScope; headers: Record<string, string>; body: RateLimitBody };

export interface RateLimiterOptions {
  /** Multiplies every window (see the README's "limitScale"); default 1. */
  scale?: number;
}

const seconds = (ms: number) => Number((Math.max(0, ms) / 1000).toFixed(3));

export class RateLimiter {
  readonly #routes: FixedWindows;
  readonly #shared: FixedWindows;
  readonly #global: FixedWindows;
  readonly #globalLimits = new Map<string, number>();
  readonly #scale: number;

  constructor(
    private readonly clock: Clock,
    options: RateLimiterOptions = {},
  ) {
    this.#scale = options.scale ?? 1;
    this.#routes = new FixedWindows(clock);
    this.#shared = new FixedWindows(clock);
    this.#global = new FixedWindows(clock);
  }

  /** A window of Discord's length `ms`, scaled (at least 1 ms). */
  window(ms: number): number {
    return Math.max(1, Math.round(ms * this.#scale));
  }

  /** Sets a bot's global limit (requests per second, before scaling the window). */
  setGlobalLimit(botId: string, perSecond: number): void {
    this.#globalLimits.set(botId, perSecond);
  }

  /** Bots whose global limit was set, with it. */
  globalLimits(): Record<string, number> {
    return Object.fromEntries(this.#globalLimits);
  }

  globalLimitOf(botId: string): number {
    return this.#globalLimits.get(botId) ?? GLOBAL_LIMIT.limit;
  }

  /**
   * `caller` is the bot id, or `ip:<address>` for requests without a token (Discord limits those per IP).
   * `botId` is set for authenticated requests, whose global limit may differ per bot.
   */
  check(caller: string, route: ResolvedRoute, botId?: string): Decision {
    if (!route.limit.globalExempt) {
      const globalLimit = botId ? this.globalLimitOf(botId) : GLOBAL_LIMIT.limit;
      const global = this.#global.take(caller, globalLimit, this.window(GLOBAL_LIMIT.windowMs));
      if (!global.allowed) return this.#globalLimited(global.state);
    }
    const key = `${caller}\u0000${route.hash}\u0000${route.major}`;
    const taken = this.#routes.take(key, route.limit.limit, this.window(route.limit.windowMs));
    const headers = this.#routeHeaders(route, taken.state);
    if (taken.allowed) return { allowed: true, headers };
    const retryMs = taken.state.resetAt - this.clock.now();
    return {
      allowed: false,
      scope: 'user',
      headers: { ...headers, 'retry-after': retryAfterHeader(retryMs), 'x-ratelimit-scope': 'user' },
      body: { message: 'You are being rate limited.', retry_after: seconds(retryMs), global: false },
    };
  }

  /** A per-resource limit every caller shares; `undefined` when allowed, else the 429's extra headers and body. */
  checkShared(
    limit: SharedLimit,
    resource: string,
  ): { headers: Record<string, string>; body: RateLimitBody } | undefined {
    const taken = this.#shared.take(
      `${limit.name}\u0000${resource}`,
      limit.limit,
      this.window(limit.windowMs),
    );
    if (taken.allowed) return undefined;
    const retryMs = taken.state.resetAt - this.clock.now();
    return {
      headers: { 'retry-after': retryAfterHeader(retryMs), 'x-ratelimit-scope': 'shared' },
      body: { message: 'The resource is being rate limited.', retry_after: seconds(retryMs), global: false },
    };
  }

  #routeHeaders(route: ResolvedRoute, state: WindowState): Record<string, string> {
    const now = this.clock.now();
    return {
      'x-ratelimit-limit': String(route.limit.limit),
      'x-ratelimit-remaining': String(Math.max(0, route.limit.limit - state.count)),
      'x-ratelimit-reset': (state.resetAt / 1000).toFixed(3),
      'x-ratelimit-reset-after': (Math.max(0, state.resetAt - now) / 1000).toFixed(3),
      'x-ratelimit-bucket': route.hash,
    };
  }

  #globalLimited(state: WindowState): Decision {
    const retryMs = state.resetAt - this.clock.now();
    return {
      allowed: false,
      scope: 'global',
      headers: {
        'retry-after': retryAfterHeader(retryMs),
        'x-ratelimit-global': 'true',
        'x-ratelimit-scope': 'global',
      },
      body: { message: 'You are being rate limited.', retry_after: seconds(retryMs), global: true },
    };
  }
}

/** `Retry-After` is whole seconds, rounded up (Discord: 64.57 s → 65). */
export function retryAfterHeader(ms: number): string {
  return String(Math.max(1, Math.ceil(ms / 1000)));
}
