/**
 * Keeps a bot far from Discord's invalid-request limit (10,000 401/403/429 per 10 minutes per IP, then
 * a Cloudflare ban): counts invalid answers per outgoing IP, refuses locally what is known to fail
 * (a revoked token, a deleted webhook), and past the budget holds what failed recently.
 */
import { type Clock, systemClock } from '@shardwire/core';
import { type HeaderSource, headerValue } from '../limiter/headers.js';
import type { Refusal, RequestGuard } from '../proxy/forward.js';
import type { Route } from '../routes.js';
import { SlidingCount } from './SlidingCount.js';

export type MarkKind = 'token' | 'webhook';

/** Shares counts and marks between instances (Redis); the guard itself stays synchronous. */
export interface GuardSharing {
  /** Records invalid answers (and a mark); resolves to the window total across instances. */
  record(count: number, mark?: { kind: MarkKind; key: string; until: number }): Promise<number>;
  /** The window total and live marks across instances. */
  snapshot(): Promise<{ total: number; marks: { kind: MarkKind; key: string; until: number }[] }>;
}

export interface InvalidRequestGuardOptions {
  clock?: Clock;
  /** Invalid answers per window past which recent offenders are held (default 2,500: a quarter of Discord's). */
  budget?: number;
  windowMs?: number;
  /** How long a token that got a 401 is refused locally (a new token is a new identity at once). */
  revokedTokenMs?: number;
  /** How long a webhook that answered 404 is refused locally. */
  goneWebhookMs?: number;
  sharing?: GuardSharing;
  /** Told of what sharing fails at (the guard keeps working on local counts). */
  onSharingError?: (error: unknown) => void;
}

const OFFENDER_MS = 60_000;

export class InvalidRequestGuard implements RequestGuard {
  readonly #clock: Clock;
  readonly #budget: number;
  readonly #count: SlidingCount;
  readonly #revokedTokenMs: number;
  readonly #goneWebhookMs: number;
  readonly #sharing: GuardSharing | undefined;
  readonly #onSharingError: (error: unknown) => void;
  /** `token:<identity>` / `webhook:<major>` → refused until. */
  readonly #marks = new Map<string, number>();
  /** Route keys and identities that got an invalid answer lately → when. */
  readonly #offenders = new Map<string, number>();
  #sharedTotal = 0;

  constructor(options: InvalidRequestGuardOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#budget = options.budget ?? 2_500;
    this.#count = new SlidingCount(options.windowMs ?? 600_000);
    this.#revokedTokenMs = options.revokedTokenMs ?? 24 * 3_600_000;
    this.#goneWebhookMs = options.goneWebhookMs ?? 600_000;
    this.#sharing = options.sharing;
    this.#onSharingError = options.onSharingError ?? (() => {});
  }

  /** Invalid answers in the window, this instance's or all instances' when shared. */
  total(): number {
    return Math.max(this.#count.total(this.#clock.now()), this.#sharedTotal);
  }

  check(route: Route, identity: string): Refusal | undefined {
    const now = this.#clock.now();
    if (this.#marks.size > 0 && this.#marked(`token:${identity}`, now)) {
      return { status: 401, reason: 'token-revoked', message: '401: Unauthorized', code: 0 };
    }
    if (route.webhookWithToken && this.#marks.size > 0 && this.#marked(`webhook:${route.major}`, now)) {
      return { status: 404, reason: 'webhook-gone', message: 'Unknown Webhook', code: 10015 };
    }
    const total = this.total();
    if (total < this.#budget) return undefined;
    // Past the budget: what failed lately is what most likely fails again. Past twice the budget,
    // every request of an identity that failed lately waits.
    const offender =
      this.#recent(`${identity}|${route.bucketRoute}|${route.major}`, now) ||
      (total >= 2 * this.#budget && this.#recent(identity, now));
    if (!offender) return undefined;
    return {
      status: 503,
      reason: 'invalid-budget',
      message: 'held: too many invalid requests from this IP lately',
      retryAfterMs: this.#count.msUntilOldestLeaves(now),
    };
  }

  record(route: Route, identity: string, status: number, headers: HeaderSource): void {
    if (status < 401) return; // the common case, without a header lookup
    const invalid =
      status === 401 ||
      status === 403 ||
      (status === 429 && headerValue(headers, 'x-ratelimit-scope') !== 'shared') ||
      (status === 404 && route.webhookWithToken);
    if (!invalid) return;
    const now = this.#clock.now();
    this.#count.add(now);
    this.#offenders.set(`${identity}|${route.bucketRoute}|${route.major}`, now);
    this.#offenders.set(identity, now);
    let mark: { kind: MarkKind; key: string; until: number } | undefined;
    if (status === 401 && !identity.startsWith('ip:')) {
      mark = { kind: 'token', key: identity, until: now + this.#revokedTokenMs };
    } else if (status === 404) {
      mark = { kind: 'webhook', key: route.major, until: now + this.#goneWebhookMs };
    }
    if (mark) this.#marks.set(`${mark.kind}:${mark.key}`, mark.until);
    if (this.#offenders.size > 100_000) this.#sweep(now);
    this.#sharing?.record(1, mark).then(
      (total) => (this.#sharedTotal = total),
      (error: unknown) => this.#onSharingError(error),
    );
  }

  /** Learns the other instances' counts and marks (call every second or so when shared). */
  async refresh(): Promise<void> {
    if (!this.#sharing) return;
    const { total, marks } = await this.#sharing.snapshot();
    this.#sharedTotal = total;
    for (const mark of marks) {
      const key = `${mark.kind}:${mark.key}`;
      this.#marks.set(key, Math.max(this.#marks.get(key) ?? 0, mark.until));
    }
  }

  #marked(key: string, now: number): boolean {
    const until = this.#marks.get(key);
    if (until === undefined) return false;
    if (until > now) return true;
    this.#marks.delete(key);
    return false;
  }

  #recent(key: string, now: number): boolean {
    const at = this.#offenders.get(key);
    return at !== undefined && now - at < OFFENDER_MS;
  }

  #sweep(now: number): void {
    for (const [key, at] of this.#offenders) if (now - at >= OFFENDER_MS) this.#offenders.delete(key);
  }
}
