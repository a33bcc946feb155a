/** The global request limit, counted apart for each identity (bot token or client IP). */

/**
 * One second and a margin: Discord counts a second from when requests arrive, so the margin covers
 * its clock and ours; the time requests take to get there is covered by holding places until their
 * answer (see `GlobalLimits`).
 */
export const GLOBAL_WINDOW_MS = 1_050;

/** How long to wait when every place is held by a request still in flight: its answer frees one. */
export const IN_FLIGHT_RETRY_MS = 25;

/** One request's place in its identity's global limit (held until `answered` or `release`). */
export interface GlobalPlace {
  readonly places: Places;
  done: boolean;
}

interface Places {
  /** Places held by requests in flight. */
  inFlight: number;
  /** When the places of answered requests free (answer + window), in answer order, from `head` on. */
  freeAt: number[];
  head: number;
  blockedUntil: number;
}

/**
 * A sliding window anchored on answers: a place is held while its request is in flight and for a
 * window after its answer comes back (`answered`). Discord counts a request when it *arrives*,
 * which is before its answer, so no stretch of one second at Discord can hold more arrivals than
 * the limit, however long requests took to get there. Fixed windows, or sliding ones anchored on
 * the send, were not safe: when sends were delayed on their way (a busy event loop, the network),
 * one window's last sends and the next window's first landed in one of Discord's seconds (the
 * simulator counted global 429s through three proxies).
 */
export class GlobalLimits {
  readonly #identities = new Map<string, Places>();
  /** The place the last successful `take` took. */
  #taken: GlobalPlace | undefined;

  constructor(
    private readonly limitFor: (identity: string) => number,
    private readonly windowMs = GLOBAL_WINDOW_MS,
  ) {}

  /** 0 when a request of `identity` may go now (its place is then `lastTaken()`); otherwise how long to wait. */
  take(identity: string, now: number): number {
    this.#taken = undefined;
    let places = this.#identities.get(identity);
    if (!places) {
      places = newPlaces();
      this.#identities.set(identity, places);
    }
    if (places.blockedUntil > now) return places.blockedUntil - now;
    const freeAt = places.freeAt;
    while (places.head < freeAt.length && freeAt[places.head]! <= now) places.head++;
    if (places.head > 64 && places.head * 2 > freeAt.length) {
      places.freeAt = freeAt.slice(places.head);
      places.head = 0;
    }
    const held = places.inFlight + places.freeAt.length - places.head;
    if (held >= this.limitFor(identity)) {
      // Answers come in order of time, so the first to free is at the head.
      return places.head < places.freeAt.length
        ? Math.max(1, places.freeAt[places.head]! - now)
        : IN_FLIGHT_RETRY_MS;
    }
    places.inFlight++;
    this.#taken = { places, done: false };
    return 0;
  }

  /** The place the last `take` that answered 0 took (once: it is then forgotten). */
  lastTaken(): GlobalPlace | undefined {
    const place = this.#taken;
    this.#taken = undefined;
    return place;
  }

  /** The request was answered at `now` (or went unanswered): its place frees a window later. */
  answered(place: GlobalPlace, now: number): void {
    if (place.done) return;
    place.done = true;
    place.places.inFlight--;
    place.places.freeAt.push(now + this.windowMs);
  }

  /** A place taken for a request that was never sent: free at once. */
  release(place: GlobalPlace): void {
    if (place.done) return;
    place.done = true;
    place.places.inFlight--;
  }

  /** A global 429: nothing of `identity` goes before `until`. */
  block(identity: string, until: number): void {
    const places = this.#identities.get(identity) ?? newPlaces();
    this.#identities.set(identity, places);
    places.blockedUntil = Math.max(places.blockedUntil, until);
  }

  /** Forgets identities idle since before `before`. */
  sweep(before: number): void {
    for (const [identity, places] of this.#identities) {
      const last = places.freeAt.at(-1) ?? 0;
      if (places.inFlight === 0 && places.blockedUntil < before && last < before) {
        this.#identities.delete(identity);
      }
    }
  }
}

function newPlaces(): Places {
  return { inFlight: 0, freeAt: [], head: 0, blockedUntil: 0 };
}
