/**
 * Discord's invalid request limit ("Cloudflare bans"): 401, 403 and non-shared 429 responses counted
 * per client IP in a sliding window; past the threshold the IP is banned for a while.
 */
import type { Clock } from '@shardwire/core';

export interface InvalidRequestOptions {
  /** Invalid requests allowed per window (Discord: 10,000). */
  threshold: number;
  /** Sliding window (Discord: 10 minutes). */
  windowMs: number;
  /** How long a ban lasts. */
  banMs: number;
}

export const DEFAULT_INVALID_REQUESTS: InvalidRequestOptions = {
  threshold: 10_000,
  windowMs: 10 * 60 * 1000,
  banMs: 60 * 60 * 1000,
};

/** The window is kept as this many slots; a slot older than the window no longer counts. */
const SLOTS = 60;

interface IpState {
  /** Count per slot index (slot = floor(t / slotMs)). */
  slots: Map<number, number>;
  total: number;
  bannedUntil: number;
  invalid: number;
  bans: number;
}

/** Whether a response counts as invalid: 401, 403, and 429 unless its scope is `shared`. */
export function isInvalidResponse(status: number, scope: string | undefined): boolean {
  return status === 401 || status === 403 || (status === 429 && scope !== 'shared');
}

export class InvalidRequests {
  readonly #ips = new Map<string, IpState>();
  readonly #slotMs: number;

  constructor(
    private readonly clock: Clock,
    readonly options: InvalidRequestOptions = DEFAULT_INVALID_REQUESTS,
  ) {
    this.#slotMs = Math.max(1, options.windowMs / SLOTS);
  }

  /** Ms left of `ip`'s ban, 0 when not banned. */
  bannedFor(ip: string): number {
    const state = this.#ips.get(ip);
    return state ? Math.max(0, state.bannedUntil - this.clock.now()) : 0;
  }

  /** Counts one invalid request; bans the IP when its window goes past the threshold. */
  record(ip: string): void {
    const now = this.clock.now();
    let state = this.#ips.get(ip);
    if (!state) {
      state = { slots: new Map(), total: 0, bannedUntil: 0, invalid: 0, bans: 0 };
      this.#ips.set(ip, state);
    }
    state.invalid++;
    const slot = this.#expire(state, now);
    state.slots.set(slot, (state.slots.get(slot) ?? 0) + 1);
    state.total++;
    if (state.total > this.options.threshold && state.bannedUntil <= now) {
      state.bannedUntil = now + this.options.banMs;
      state.bans++;
      state.slots.clear();
      state.total = 0;
    }
  }

  /** Drops slots that left the window; returns the current slot. */
  #expire(state: IpState, now: number): number {
    const slot = Math.floor(now / this.#slotMs);
    for (const [index, count] of state.slots) {
      if (index <= slot - SLOTS) {
        state.slots.delete(index);
        state.total -= count;
      }
    }
    return slot;
  }

  /** Per IP: invalid requests counted, in the current window, bans so far, ms of ban left. */
  json(): Record<string, { invalid: number; inWindow: number; bans: number; bannedForMs: number }> {
    const out: Record<string, { invalid: number; inWindow: number; bans: number; bannedForMs: number }> = {};
    const now = this.clock.now();
    for (const [ip, state] of this.#ips) {
      this.#expire(state, now);
      out[ip] = {
        invalid: state.invalid,
        inWindow: state.total,
        bans: state.bans,
        bannedForMs: this.bannedFor(ip),
      };
    }
    return out;
  }
}
