/** The global request limit, counted apart for each identity (bot token or client IP). */

/**
 * One second and a margin: Discord counts a second from when requests arrive, a little after we
 * send them, so a window of exactly one second could let the next second's first requests land in it.
 */
export const GLOBAL_WINDOW_MS = 1_050;

interface Window {
  resetAt: number;
  remaining: number;
  blockedUntil: number;
}

export class GlobalLimits {
  readonly #windows = new Map<string, Window>();

  constructor(
    private readonly limitFor: (identity: string) => number,
    private readonly windowMs = GLOBAL_WINDOW_MS,
  ) {}

  /** 0 when a request of `identity` may go now (and counts it); otherwise how long to wait. */
  take(identity: string, now: number): number {
    let window = this.#windows.get(identity);
    if (!window) {
      window = { resetAt: 0, remaining: 0, blockedUntil: 0 };
      this.#windows.set(identity, window);
    }
    if (window.blockedUntil > now) return window.blockedUntil - now;
    if (window.resetAt <= now) {
      window.resetAt = now + this.windowMs;
      window.remaining = this.limitFor(identity);
    }
    if (window.remaining <= 0) return window.resetAt - now;
    window.remaining--;
    return 0;
  }

  /** A global 429: nothing of `identity` goes before `until`. */
  block(identity: string, until: number): void {
    const window = this.#windows.get(identity) ?? { resetAt: 0, remaining: 0, blockedUntil: 0 };
    this.#windows.set(identity, window);
    window.blockedUntil = Math.max(window.blockedUntil, until);
  }

  /** Forgets identities idle since before `before`. */
  sweep(before: number): void {
    for (const [identity, window] of this.#windows) {
      if (window.resetAt < before && window.blockedUntil < before) this.#windows.delete(identity);
    }
  }
}
