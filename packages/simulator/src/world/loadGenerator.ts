/**
 * `POST /_sim/load`: synthetic traffic at a steady rate, spread over every guild (and so over every
 * shard), dispatched like real events but not stored (a minute at 50,000/s would be 3M messages).
 */
import { type Clock, SnowflakeGenerator } from '@shardwire/core';
import type { Dispatcher } from '../gateway/dispatcher.js';
import type { GatewaySession } from '../gateway/session.js';
import type { Random } from '../state/random.js';
import type { GuildRecord } from '../state/records.js';
import type { Store } from '../state/store.js';
import { buildLoadEvent, DEFAULT_MIX, type LoadEvent, pickKind } from './loadEvents.js';

export interface LoadRequest {
  eventsPerSecond: number;
  seconds: number;
  mix?: Partial<Record<LoadEvent, number>>;
}

export interface LoadStatus {
  running: boolean;
  eventsPerSecond: number;
  seconds: number;
  generated: number;
  byEvent: Record<string, number>;
  startedAt: number | null;
  elapsedMs: number;
}

/** Events go out in bursts every 50 ms: each shard's frames of a burst leave in one write. */
const TICK_MS = 50;
/** Catch-up is capped so a stalled event loop does not burst a minute of events at once. */
const MAX_TICK_BACKLOG_MS = 250;

export class LoadGenerator {
  readonly #ids: SnowflakeGenerator;
  #timer: ReturnType<typeof setInterval> | undefined;
  #guilds: GuildRecord[] = [];
  #mix: [LoadEvent, number][] = [];
  #mixTotal = 0;
  #status: LoadStatus = {
    running: false,
    eventsPerSecond: 0,
    seconds: 0,
    generated: 0,
    byEvent: {},
    startedAt: null,
    elapsedMs: 0,
  };
  #owed = 0;
  #lastTick = 0;

  constructor(
    private readonly store: Store,
    private readonly dispatcher: Dispatcher,
    private readonly random: Random,
    private readonly clock: Clock,
  ) {
    this.#ids = new SnowflakeGenerator(31n, 31n, () => clock.now());
  }

  status(): LoadStatus {
    return { ...this.#status, byEvent: { ...this.#status.byEvent } };
  }

  /** Starts (or replaces) a load; `timers: false` leaves ticking to the caller (tests). */
  start(request: LoadRequest, timers = true): LoadStatus {
    this.stop();
    const mix = { ...DEFAULT_MIX, ...(request.mix ? zeroed(request.mix) : {}) };
    this.#mix = Object.entries(mix).filter(([, w]) => w > 0) as [LoadEvent, number][];
    this.#mixTotal = this.#mix.reduce((sum, [, w]) => sum + w, 0);
    this.#guilds = [...this.store.guilds.values()].filter((g) => g.botIds.size > 0);
    const now = this.clock.now();
    this.#status = {
      running: this.#guilds.length > 0 && this.#mixTotal > 0,
      eventsPerSecond: request.eventsPerSecond,
      seconds: request.seconds,
      generated: 0,
      byEvent: {},
      startedAt: now,
      elapsedMs: 0,
    };
    this.#owed = 0;
    this.#lastTick = now;
    if (this.#status.running && timers) this.#timer = setInterval(() => this.tick(), TICK_MS);
    return this.status();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#status.running = false;
  }

  /** Generates what is owed for the time since the last tick, up to the load's end. */
  tick(): void {
    if (!this.#status.running || this.#status.startedAt === null) return;
    const now = this.clock.now();
    const end = this.#status.startedAt + this.#status.seconds * 1000;
    const until = Math.min(now, end);
    const elapsed = Math.min(Math.max(0, until - this.#lastTick), MAX_TICK_BACKLOG_MS);
    this.#lastTick = until;
    this.#status.elapsedMs = until - this.#status.startedAt;
    this.#owed += (elapsed * this.#status.eventsPerSecond) / 1000;
    const count = Math.floor(this.#owed);
    this.#owed -= count;
    const timestamp = new Date(now).toISOString();
    for (let i = 0; i < count; i++) this.#emitOne(now, timestamp);
    if (now >= end) this.stop();
  }

  #emitOne(now: number, timestamp: string): void {
    const guild = this.#guilds[this.random.int(this.#guilds.length)]!;
    if (!this.store.guilds.has(guild.guild.id)) return;
    const kind = pickKind(this.#mix, this.#mixTotal, this.random.next());
    const data = buildLoadEvent(kind, this.store, guild, this.#ids, this.random, now, timestamp);
    if (data === undefined) return;
    this.#status.generated++;
    this.#status.byEvent[kind] = (this.#status.byEvent[kind] ?? 0) + 1;
    this.dispatcher.toGuild(guild.guild.id, kind, data, countGenerated);
  }
}

/** Counts a load event numbered for `session` (its intents wanted it) in its shard's stats. */
function countGenerated(session: GatewaySession): void {
  session.counters.generated++;
}

function zeroed(mix: Partial<Record<LoadEvent, number>>): Record<LoadEvent, number> {
  return { MESSAGE_CREATE: 0, TYPING_START: 0, MESSAGE_REACTION_ADD: 0, PRESENCE_UPDATE: 0, ...mix };
}
