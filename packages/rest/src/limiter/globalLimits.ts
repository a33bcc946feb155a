/** The global request limit, counted apart for each identity (bot token or client IP). */

/**
 * One second and a margin: Discord counts a second from when requests arrive, a little after we
 * send them, so a window of exactly one second could let the next second's first requests land in it.
 */
export const GLOBAL_WINDOW_MS = 1_050;

interface Sends {
  /** Send times still inside the window, oldest first, from `head` on. */
  times: number[];
  head: number;
  blockedUntil: number;
}

/**
 * A sliding window: at most `limit` sends in any `windowMs`. Fixed windows do not line up with
 * Discord's (which open on the first request to *arrive* after the last one ended): a window's last
 * sends and the next window's first could land in one of Discord's seconds (the simulator counted
 * such global 429s through three proxies). A sliding window keeps every stretch of `windowMs` under
 * the limit, so any one second of arrivals is too, as long as the time to Discord varies by less
 * than the margin.
 */
export class GlobalLimits {
  readonly #identities = new Map<string, Sends>();

  constructor(
    private readonly limitFor: (identity: string) => number,
    private readonly windowMs = GLOBAL_WINDOW_MS,
  ) {}

  /** 0 when a request of `identity` may go now (and counts it); otherwise how long to wait. */
  take(identity: string, now: number): number {
    let sends = this.#identities.get(identity);
    if (!sends) {
      sends = { times: [], head: 0, blockedUntil: 0 };
      this.#identities.set(identity, sends);
    }
    if (sends.blockedUntil > now) return sends.blockedUntil - now;
    const cut = now - this.windowMs;
    while (sends.head < sends.times.length && sends.times[sends.head]! <= cut) sends.head++;
    if (sends.head > 64 && sends.head * 2 > sends.times.length) {
      sends.times = sends.times.slice(sends.head);
      sends.head = 0;
    }
    if (sends.times.length - sends.head >= this.limitFor(identity)) {
      return Math.max(1, sends.times[sends.head]! - cut);
    }
    sends.times.push(now);
    return 0;
  }

  /** A global 429: nothing of `identity` goes before `until`. */
  block(identity: string, until: number): void {
    const sends = this.#identities.get(identity) ?? { times: [], head: 0, blockedUntil: 0 };
    this.#identities.set(identity, sends);
    sends.blockedUntil = Math.max(sends.blockedUntil, until);
  }

  /** Forgets identities idle since before `before`. */
  sweep(before: number): void {
    for (const [identity, sends] of this.#identities) {
      const last = sends.times.at(-1) ?? 0;
      if (last + this.windowMs < before && sends.blockedUntil < before) this.#identities.delete(identity);
    }
  }
}
