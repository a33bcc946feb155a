/**
 * The shards of one bot owned by this process: asks `GET /gateway/bot`, starts the shards within
 * the identify limits, feeds each shard's dispatches through its pipeline (cache, then broker),
 * keeps the session store at the last confirmed seq, and sends gateway commands from the broker.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { type Broker, PoisonMessageError, type Subscription } from '@shardwire/broker';
import { appliedDispatchTypes, type Cache } from '@shardwire/cache';
import {
  botIdOfToken,
  type Clock,
  type Envelope,
  type GatewayCommand,
  gatewayCommandRoutingKey,
  type Logger,
  Registry,
  systemClock,
} from '@shardwire/core';
import type { Rest } from '@shardwire/rest';
import { type APIGatewayBotInfo, GatewayOpcodes } from 'discord-api-types/v10';
import type { IdentifyThrottler, SessionStartLimit } from '../identify/IdentifyThrottler.js';
import { MemoryIdentifyThrottler } from '../identify/MemoryIdentifyThrottler.js';
import { GatewayMetrics } from '../metrics.js';
import { ShardPipeline } from '../publish/ShardPipeline.js';
import { DiskSpool } from '../publish/spool/DiskSpool.js';
import { anyResharding, refusedCount, reshardSubject, splitProblem } from '../reshard/coordination.js';
import { ReshardMetrics } from '../reshard/metrics.js';
import { DEFAULT_PARTITIONS } from '../reshard/partition.js';
import { Checkpoint } from '../sessionStore/Checkpoint.js';
import { MemorySessionStore } from '../sessionStore/MemorySessionStore.js';
import type { SessionStore } from '../sessionStore/SessionStore.js';
import type { ShardFatalError } from '../shard/closeCodes.js';
import type { Compression } from '../shard/compression/index.js';
import { Shard, type ShardOptions, type ShardStatus } from '../shard/shard.js';
import { chooseLayout, derivedShardIds } from './layout.js';
import { formatProgress, identifyFloorMs, startupProgress } from './progress.js';
import { askStatuses, coordinateReshard } from './ReshardCoordinator.js';
import { Resharder, type ReshardHost, type ReshardResult } from './Resharder.js';
import { ReshardParticipant } from './ReshardParticipant.js';

/**
 * Dispatch types whose `d` the gateway parses: what the cache applies, READY (the session) and
 * GUILD_CREATE (a reshard's guild tracking). Every other `d` travels as a `JsonText`, parsed by the
 * consumer that reads it.
 */
const PARSED_HERE: ReadonlySet<string> = new Set([...appliedDispatchTypes, 'READY', 'GUILD_CREATE']);
const keepAsText = (t: string) => !PARSED_HERE.has(t);

export interface ShardManagerOptions {
  token: string;
  intents: number;
  rest: Rest;
  broker: Broker;
  cache: Cache;
  sessionStore?: SessionStore;
  /** Builds the identify throttler from `/gateway/bot`'s limits. Default: in-process buckets. */
  identifyThrottler?: (
    limit: SessionStartLimit,
    context: { botId: string; clock: Clock },
  ) => IdentifyThrottler;
  /** A number, or `auto` for Discord's recommendation. Default `auto`. */
  shardCount?: number | 'auto';
  /**
   * The shard ids this process owns, of `shardCount` (which must then be a number: ids "of auto"
   * would change meaning with Discord's recommendation). Default: all of them.
   */
  shardIds?: readonly number[];
  /** Overrides the URL `/gateway/bot` returns. */
  gatewayUrl?: string;
  compression?: Compression | null;
  presence?: unknown;
  largeThreshold?: number;
  /** The bot's user id; read from the token when absent. */
  botId?: string;
  /** Consume `gateway.commands.<shard>` and send them. Default true. */
  consumeCommands?: boolean;
  clock?: Clock;
  logger?: Logger;
  metrics?: Registry;
  /** Per-shard tuning (backoff, timeouts), mostly for tests. */
  shardOptions?: Pick<
    ShardOptions,
    'backoff' | 'invalidSessionDelayMs' | 'helloTimeoutMs' | 'random' | 'maxInbox'
  >;
  maxInFlight?: number;
  /**
   * A directory for each shard's disk spool: while the broker is unreachable envelopes are kept
   * there (fsynced) and published in order when it returns. Without it a failed publish is retried
   * in place and the shard stops reading once `maxInFlight` envelopes wait.
   */
  spoolDir?: string;
  /** Bytes each shard's spool may hold before the shard stops reading. Default 256 MiB. */
  spoolMaxBytes?: number;
  /** With a spool, a publish unconfirmed after this long goes to the spool. Default 10,000 ms. */
  publishTimeoutMs?: number;
  /** Stable partitions stamped on envelopes (`partition`). Default 1,024; never change it for a bot. */
  partitions?: number;
  /**
   * Every this many ms, `GET /gateway/bot`: when Discord recommends more shards than run, reshard.
   * Default 8 h; 0 turns the timer off. With `shardIds`, only the process owning shard 0 checks.
   */
  reshardIntervalMs?: number;
  /** After the switch the old set stays open this long, publishing what only it received. Default 5,000 ms. */
  reshardGraceMs?: number;
  /** A new shard READY but still missing guilds after this long counts as loaded. Default 30,000 ms. */
  reshardGuildTimeoutMs?: number;
  /** Dispatches a new shard holds before the switch before it stops reading. Default 50,000. */
  reshardMaxHeld?: number;
  /**
   * With `shardIds`: a part of a reshard whose coordinating process is silent this long fails, or,
   * loaded with the new layout already stored, switches. Default 30,000 ms.
   */
  reshardCoordinatorTimeoutMs?: number;
  /**
   * With `shardIds`: every this many ms, ask the bot's processes what they run and log an error when
   * they disagree on the layout or leave a shard to no process, or to two (`split_layout_ok` 0).
   * Default 60,000; 0 turns it off.
   */
  splitCheckIntervalMs?: number;
}

export interface ShardManagerEvents {
  /** Every owned shard is READY (again). */
  ready: [];
  status: [shard: number, status: ShardStatus, previous: ShardStatus];
  fatal: [error: ShardFatalError];
  progress: [ready: number, total: number];
  /** A shard sent IDENTIFY (it had no session to resume, or lost it). */
  identify: [shard: number];
  /** A reshard's steps: `started`, `switched` (the new set publishes), `done` (old set closed), `failed`. */
  reshard: [phase: 'started' | 'switched' | 'done' | 'failed', detail: { from: number; to: number }];
}

const COMMAND_OPS: Record<GatewayCommand['type'], number> = {
  presence_update: GatewayOpcodes.PresenceUpdate,
  voice_state_update: GatewayOpcodes.VoiceStateUpdate,
  request_guild_members: GatewayOpcodes.RequestGuildMembers,
};

/** One shard of a shard set; `generation` tells the sets of a reshard apart. */
export interface Owned {
  generation: number;
  shard: Shard;
  pipeline: ShardPipeline;
  checkpoint: Checkpoint;
  spool?: DiskSpool<Envelope>;
  commands?: Subscription;
}

export class ShardManager extends EventEmitter<ShardManagerEvents> {
  readonly #options: ShardManagerOptions;
  readonly #clock: Clock;
  readonly #store: SessionStore;
  readonly metrics: GatewayMetrics;
  readonly reshardMetrics: ReshardMetrics;
  readonly #owned = new Map<number, Owned>();
  #throttler: IdentifyThrottler | undefined;
  #botId = '';
  #shardCount = 0;
  #startedAt = 0;
  #maxConcurrency = 1;
  #everReady = new Set<number>();
  /** How many shards the publishing set has once opened (the start opens them one by one). */
  #expected = 0;
  #stopped = false;
  #gatewayUrl = '';
  /** The generation of the set that publishes (the stored layout's at start, +1 per reshard). */
  #generation = 0;
  readonly #resharder: Resharder;
  /** With `shardIds`: answers the bot's other processes about reshards. */
  #participant: ReshardParticipant | undefined;
  /** A reshard this process coordinates. */
  #coordinating: Promise<ReshardResult> | undefined;
  #reshardTimer: NodeJS.Timeout | undefined;
  #splitCheckTimer: NodeJS.Timeout | undefined;

  constructor(options: ShardManagerOptions) {
    super();
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#store = options.sessionStore ?? new MemorySessionStore();
    const registry = options.metrics ?? new Registry();
    this.metrics = GatewayMetrics.for(registry);
    this.reshardMetrics = new ReshardMetrics(registry, () => this.#resharder.overlap?.held ?? 0);
    this.#resharder = new Resharder(this.#reshardHost());
    this.metrics.spoolSources.add(() => [...this.#owned].map(([id, o]) => [id, o.spool?.depthBytes ?? 0]));
    this.metrics.inFlightSources.add(() => {
      let total = 0;
      for (const owned of this.#owned.values()) total += owned.pipeline.inFlight;
      return total;
    });
  }

  get botId(): string {
    return this.#botId;
  }

  get shardCount(): number {
    return this.#shardCount;
  }

  get shards(): ReadonlyMap<number, Shard> {
    return new Map([...this.#owned].map(([id, owned]) => [id, owned.shard]));
  }

  /** Ready when every owned shard is READY. */
  health(): { ok: boolean; shards: Record<number, ShardStatus> } {
    const shards: Record<number, ShardStatus> = {};
    for (const [id, { shard }] of this.#owned) shards[id] = shard.status;
    // Until the start opened them all, a shard READY early is not the whole set.
    const ok =
      this.#owned.size > 0 &&
      this.#owned.size === this.#expected &&
      Object.values(shards).every((s) => s === 'ready');
    return { ok, shards };
  }

  /**
   * Reads `/gateway/bot` and opens every owned shard; resolves once they are connecting. When
   * `signal` aborts (SIGINT during start-up) it stops asking `/gateway/bot`, opens no further shard
   * and resolves: `stop()` then stops the ones opened, sessions kept, and aborts their waits for an
   * identify slot.
   */
  async start(signal?: AbortSignal): Promise<void> {
    const { rest, logger } = this.#options;
    const info = await rest
      .request<APIGatewayBotInfo>({ method: 'GET', path: '/gateway/bot', ...(signal ? { signal } : {}) })
      .catch((err: unknown) => {
        if (signal?.aborted) return undefined;
        throw err;
      });
    // Aborted while asking (a slow or retried answer): nothing is open yet.
    if (!info) return;
    this.#botId = this.#options.botId ?? botIdOfToken(this.#options.token) ?? (await this.#fetchBotId());
    const stored = await this.#store.loadLayout();
    const choice = chooseLayout({
      configured: this.#options.shardCount ?? 'auto',
      recommended: info.shards,
      ...(this.#options.shardIds ? { shardIds: this.#options.shardIds } : {}),
      ...(stored ? { stored } : {}),
    });
    if (choice.record) await this.#store.saveLayout(choice.record);
    if (choice.note) {
      const fields = { shardCount: choice.count, storedShardCount: stored?.shardCount };
      // Identifying anew where a stored layout existed is worth a warning; resuming it is not.
      if (choice.record) logger?.warn(fields, choice.note);
      else logger?.info(fields, choice.note);
    }
    const { count, ids } = choice;
    this.#shardCount = count;
    this.#generation = choice.record?.generation ?? stored?.generation ?? 0;
    const limit: SessionStartLimit = {
      total: info.session_start_limit.total,
      remaining: info.session_start_limit.remaining,
      resetAfter: info.session_start_limit.reset_after,
      maxConcurrency: info.session_start_limit.max_concurrency,
    };
    this.metrics.sessionBudget.set(limit.remaining);
    this.#maxConcurrency = limit.maxConcurrency;
    this.#throttler =
      this.#options.identifyThrottler?.(limit, { botId: this.#botId, clock: this.#clock }) ??
      new MemoryIdentifyThrottler({ limit, clock: this.#clock, ...(logger ? { logger } : {}) });
    if (limit.remaining < ids.length) {
      logger?.warn(
        { remaining: limit.remaining, shards: ids.length, resetAfterMs: limit.resetAfter },
        'session start limit is lower than the shards to identify: some shards will wait for the reset',
      );
    }
    logger?.info(
      {
        shards: ids.length,
        shardCount: count,
        maxConcurrency: limit.maxConcurrency,
        remaining: limit.remaining,
      },
      `starting ${ids.length} of ${count} shards`,
    );
    this.#startedAt = this.#clock.now();
    this.#expected = ids.length;
    this.#gatewayUrl = info.url;
    for (const id of ids) {
      if (signal?.aborted) return;
      this.#owned.set(id, await this.#startShard(id, { count, generation: this.#generation, resume: true }));
    }
    if (this.#options.shardIds) {
      this.#participant = new ReshardParticipant(
        this.#options.broker,
        reshardSubject(this.#botId),
        {
          status: () => ({
            shardCount: this.#shardCount,
            generation: this.#generation,
            shards: [...this.#owned.keys()],
          }),
          reshard: (to, beforeSwitch) => this.#resharder.run(to, 1, beforeSwitch),
          abort: (reason) => this.#resharder.fail(reason),
          storedLayout: () => this.#store.loadLayout(),
        },
        {
          instance: randomUUID(),
          clock: this.#clock,
          ...(this.#options.reshardCoordinatorTimeoutMs !== undefined
            ? { coordinatorTimeoutMs: this.#options.reshardCoordinatorTimeoutMs }
            : {}),
          ...(logger ? { logger } : {}),
        },
      );
      await this.#participant.start();
      this.#startSplitCheck();
    }
    this.#startReshardTimer();
  }

  /** A reshard under way or just finished: `reshard` resolves when the old set is closed. */
  get resharding(): boolean {
    return this.#resharder.busy || this.#coordinating !== undefined;
  }

  /**
   * Identifies a complete new set of `count` shards (default: Discord's recommendation) beside the
   * running one, switches publishing once every new shard is READY and sent its guilds, then closes
   * the old set. With `shardIds` (processes splitting a bot) every process of the bot reshards
   * together, to a count that keeps each process's guilds on its own new shards (any multiple of the
   * running count; others too when the processes' ids interleave), the recommendation rounded up to
   * the first such count.
   */
  reshard(count?: number): Promise<ReshardResult> {
    if (this.#stopped) return Promise.reject(new Error('the shard manager is stopped'));
    if (!this.#options.shardIds) return this.#resharder.run(count);
    // This process's own shards decide at once (the coordinator checks every process's).
    const refused =
      count === undefined ? undefined : refusedCount(count, this.#shardCount, [[...this.#owned.keys()]]);
    if (refused) return Promise.reject(refused);
    return this.#coordinate(count === undefined ? {} : { count });
  }

  /** Coordinates a reshard of every process of the bot through the broker (see ReshardCoordinator). */
  #coordinate(request: { count?: number; atLeast?: number }): Promise<ReshardResult> {
    if (this.resharding) return Promise.reject(new Error('a reshard is already under way'));
    this.#coordinating = (async () => {
      const info = await this.#reshardHost().gatewayInfo();
      return coordinateReshard(
        this.#options.broker,
        reshardSubject(this.#botId),
        { ...request, recommended: info.shards },
        { clock: this.#clock, ...(this.#options.logger ? { logger: this.#options.logger } : {}) },
      );
    })().finally(() => {
      this.#coordinating = undefined;
    });
    return this.#coordinating;
  }

  #startReshardTimer(): void {
    const interval = this.#options.reshardIntervalMs ?? 8 * 60 * 60 * 1000;
    if (interval <= 0 || (this.#options.shardIds && !this.#owned.has(0))) return;
    this.#reshardTimer = setInterval(() => void this.#checkRecommendation(), interval);
    this.#reshardTimer.unref();
  }

  #startSplitCheck(): void {
    const interval = this.#options.splitCheckIntervalMs ?? 60_000;
    if (interval <= 0) return;
    this.#splitCheckTimer = setInterval(() => void this.#checkSplit(), interval);
    this.#splitCheckTimer.unref();
  }

  /** Every process of a split bot runs one layout and every shard of it runs somewhere, once. */
  async #checkSplit(): Promise<void> {
    if (this.resharding || this.#stopped) return;
    const statuses = await askStatuses(this.#options.broker, reshardSubject(this.#botId)).catch(
      (err: unknown) => {
        this.#options.logger?.warn({ err }, 'could not ask the other gateway processes what they run');
        return undefined;
      },
    );
    // A reshard changes the layout under way: judge it once it is done.
    if (!statuses || this.#stopped || anyResharding(statuses)) return;
    const problem = splitProblem(statuses);
    this.metrics.splitLayoutOk.set(problem ? 0 : 1);
    if (problem) {
      this.#options.logger?.error(
        { processes: statuses.length, shardCount: this.#shardCount },
        `the processes splitting this bot do not run its shards once each: ${problem}`,
      );
    }
  }

  /** The timer's check: reshard when Discord recommends more shards than run. */
  async #checkRecommendation(): Promise<void> {
    if (this.resharding || this.#stopped) return;
    try {
      const info = await this.#options.rest.request<APIGatewayBotInfo>({
        method: 'GET',
        path: '/gateway/bot',
      });
      if (info.shards <= this.#shardCount) return;
      this.#options.logger?.info(
        { from: this.#shardCount, to: info.shards },
        'Discord recommends more shards: resharding',
      );
      // A split bot's count must keep each process's guilds together: the plan rounds it up.
      await this.reshard(this.#options.shardIds ? undefined : info.shards);
    } catch (err) {
      this.#options.logger?.error({ err }, 'reshard check failed');
    }
  }

  /** Resolves when every owned shard is READY; rejects when one stops for good. */
  waitUntilReady(signal?: AbortSignal): Promise<void> {
    if (this.health().ok) return Promise.resolve();
    // Aborted already: no 'abort' event is coming, and a start-up cut short never reaches 'ready'.
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        this.off('ready', onReady);
        this.off('fatal', onFatal);
        signal?.removeEventListener('abort', onAbort);
      };
      const onReady = () => {
        cleanup();
        resolve();
      };
      const onFatal = (err: ShardFatalError) => {
        cleanup();
        reject(err);
      };
      const onAbort = () => {
        cleanup();
        reject(signal!.reason);
      };
      this.on('ready', onReady);
      this.on('fatal', onFatal);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Stops every shard. With `keepSession` (default) the sessions stay resumable and the store keeps
   * them, so the next start RESUMEs; envelopes in flight get until `drainMs` to be confirmed.
   */
  async stop(options: { keepSession?: boolean; drainMs?: number } = {}): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#reshardTimer);
    clearInterval(this.#splitCheckTimer);
    await this.#participant?.close();
    await this.#resharder.abort();
    const owned = [...this.#owned.values()];
    await Promise.all(owned.map((o) => o.commands?.close()));
    for (const o of owned) o.shard.stop({ keepSession: options.keepSession !== false });
    const drain = Promise.all(owned.map((o) => o.pipeline.idle()));
    const deadline = new Promise((resolve) => setTimeout(resolve, options.drainMs ?? 3_000).unref());
    await Promise.race([drain, deadline]);
    for (const o of owned) o.pipeline.close();
    await Promise.all(owned.map((o) => o.checkpoint.settle()));
    await Promise.all(owned.map((o) => o.spool?.close()));
    if (options.keepSession === false) await Promise.all(owned.map((o) => this.#store.clear(o.shard.id)));
    await this.#throttler?.close?.();
  }

  async #fetchBotId(): Promise<string> {
    const me = await this.#options.rest.request<{ id: string }>({ method: 'GET', path: '/users/@me' });
    return me.id;
  }

  /** Opens shard `id` of a set of `count`; `resume` uses (or clears) the stored session. */
  async #startShard(id: number, set: { count: number; generation: number; resume: boolean }): Promise<Owned> {
    const { logger } = this.#options;
    const { count, generation } = set;
    const stored = set.resume ? await this.#store.load(id) : undefined;
    const session = stored && stored.shardCount === count ? stored : undefined;
    if (stored && !session) await this.#store.clear(id);
    const checkpoint = new Checkpoint(this.#store, id, logger);
    const spool = this.#options.spoolDir
      ? await DiskSpool.open<Envelope>({
          dir: join(this.#options.spoolDir, this.#botId),
          name: `shard-${id}-of-${count}`,
          ...(this.#options.spoolMaxBytes ? { maxBytes: this.#options.spoolMaxBytes } : {}),
        })
      : undefined;
    if (spool && !spool.isEmpty) {
      logger?.info(
        { shard: id, bytes: spool.depthBytes },
        'publishing what the spool kept from an earlier run',
      );
    }
    const pipeline = new ShardPipeline({
      bot: this.#botId,
      shard: id,
      broker: this.#options.broker,
      partitions: this.#options.partitions ?? DEFAULT_PARTITIONS,
      cache: this.#options.cache,
      clock: this.#clock,
      ...(spool ? { spool } : {}),
      ...(this.#options.publishTimeoutMs ? { publishTimeoutMs: this.#options.publishTimeoutMs } : {}),
      ...(this.#options.maxInFlight ? { maxInFlight: this.#options.maxInFlight } : {}),
      ...(logger ? { logger } : {}),
      onPublished: (latencyMs) => this.metrics.publishLatency.observe(latencyMs),
      onConfirmed: (dispatch) => {
        const current = shard.session;
        // A confirm of an older session cannot be resumed any more; only the live one is stored,
        // and only by the set that publishes (the store holds one session per shard id).
        if (!current || current.sessionId !== dispatch.sessionId) return;
        if (generation !== this.#generation) return;
        checkpoint.update({
          sessionId: current.sessionId,
          resumeGatewayUrl: current.resumeGatewayUrl,
          seq: dispatch.seq,
          shardCount: count,
        });
      },
    });
    const shard = new Shard({
      id,
      count,
      token: this.#options.token,
      intents: this.#options.intents,
      gatewayUrl: this.#options.gatewayUrl ?? this.#gatewayUrl,
      identifyThrottler: this.#throttler!,
      clock: this.#clock,
      ...(session ? { session } : {}),
      ...(this.#options.compression !== undefined ? { compression: this.#options.compression } : {}),
      ...(this.#options.presence !== undefined ? { presence: this.#options.presence } : {}),
      ...(this.#options.largeThreshold !== undefined ? { largeThreshold: this.#options.largeThreshold } : {}),
      ...(logger ? { logger: logger.child({ shard: id }) } : {}),
      keepAsText,
      ...this.#options.shardOptions,
      onDispatch: (dispatch) => {
        this.metrics.countEvent(dispatch.t);
        const overlap = this.#resharder.overlap;
        if (!overlap) return owned.pipeline.push(dispatch);
        if (generation !== this.#resharder.generation) {
          if (overlap.fromOld(dispatch)) return owned.pipeline.push(dispatch);
          this.reshardMetrics.dropped.inc({ set: 'old' });
          return;
        }
        const decision = overlap.fromNew(dispatch);
        if (decision === 'publish') return owned.pipeline.push(dispatch);
        // The new set's start (READY, snapshot GUILD_CREATEs) is dropped before the switch too.
        if (decision === 'drop' && overlap.switched) this.reshardMetrics.dropped.inc({ set: 'new' });
        if (decision === 'drop' || decision === 'hold') return;
        return decision;
      },
    });
    const owned: Owned = { generation, shard, pipeline, checkpoint, ...(spool ? { spool } : {}) };
    this.#watch(owned);
    if (session) logger?.info({ shard: id, seq: session.seq }, 'resuming stored session');
    if (this.#options.consumeCommands !== false && generation === this.#generation) {
      owned.commands = await this.#consumeCommands(shard);
    }
    shard.connect();
    return owned;
  }

  /** Closes a set's command consumers, shards (sessions ended), pipelines and spools. */
  async #closeSet(set: Iterable<Owned>, drainMs: number): Promise<void> {
    const owned = [...set];
    await Promise.all(owned.map((o) => o.commands?.close()));
    for (const o of owned) o.shard.stop({ keepSession: false });
    const drain = Promise.all(owned.map((o) => o.pipeline.idle()));
    const deadline = new Promise((resolve) => setTimeout(resolve, drainMs).unref());
    await Promise.race([drain, deadline]);
    for (const o of owned) o.pipeline.close();
    await Promise.all(owned.map((o) => o.checkpoint.settle()));
    await Promise.all(owned.map((o) => o.spool?.close()));
  }

  /** What the resharder needs of the manager. */
  #reshardHost(): ReshardHost {
    return {
      options: this.#options,
      clock: this.#clock,
      currentCount: () => this.#shardCount,
      newShardIds: (count) =>
        this.#options.shardIds
          ? derivedShardIds([...this.#owned.keys()], this.#shardCount, count)
          : Array.from({ length: count }, (_, i) => i),
      currentGeneration: () => this.#generation,
      saveLayout: (layout) => this.#store.saveLayout(layout),
      gatewayInfo: async () => {
        const info = await this.#options.rest.request<APIGatewayBotInfo>({
          method: 'GET',
          path: '/gateway/bot',
        });
        this.#gatewayUrl = info.url;
        return info;
      },
      startShard: (id, set) => this.#startShard(id, { ...set, resume: false }),
      publish: (owned, dispatch) => owned.pipeline.push(dispatch),
      activate: async (set, count, generation) => {
        const old = [...this.#owned.values()];
        this.#generation = generation;
        this.#shardCount = count;
        // A new shard's start is never published, so its confirms would store nothing until it
        // publishes something else: store its session at the end of the start now, so a restart
        // RESUMEs even a shard that stays quiet. Synchronously after the generation moves, so any
        // later confirm (a higher seq) writes after it.
        for (const [id, owned] of set) {
          const session = owned.shard.session;
          const seq = session && this.#resharder.overlap?.startSeq(id, session.sessionId);
          if (!session || seq === undefined) continue;
          owned.checkpoint.update({
            sessionId: session.sessionId,
            resumeGatewayUrl: session.resumeGatewayUrl,
            seq,
            shardCount: count,
          });
        }
        this.#owned.clear();
        for (const [id, owned] of set) this.#owned.set(id, owned);
        this.#expected = set.size;
        this.#everReady = new Set([...set].filter(([, o]) => o.shard.status === 'ready').map(([id]) => id));
        // The queues gateway.commands.<bot>.<id> move to the new set: old consumers first.
        await Promise.all(
          old.map(async (o) => {
            await o.commands?.close();
            delete o.commands;
          }),
        );
        if (this.#options.consumeCommands !== false) {
          for (const owned of set.values()) owned.commands = await this.#consumeCommands(owned.shard);
        }
        return old;
      },
      closeSet: (set) => this.#closeSet(set, 3_000),
      emit: (phase, detail) => {
        const gauge = { started: 1, switched: 2, done: 0, failed: 0 } as const;
        this.reshardMetrics.phase.set(gauge[phase]);
        if (phase === 'done' || phase === 'failed') this.reshardMetrics.reshards.inc({ outcome: phase });
        this.emit('reshard', phase, detail);
      },
    };
  }

  #watch(owned: Owned): void {
    const { logger } = this.#options;
    const { shard, generation } = owned;
    shard.on('status', (status, previous) => {
      this.metrics.shardsByState.inc({ state: status });
      if (previous !== 'idle') this.metrics.shardsByState.dec({ state: previous });
      if (generation !== this.#generation) return;
      this.emit('status', shard.id, status, previous);
      if (status !== 'ready') return;
      if (!this.#everReady.has(shard.id)) {
        this.#everReady.add(shard.id);
        const identifying = [...this.#owned.values()].filter(
          (o) => o.shard.status === 'identifying' || o.shard.status === 'connecting',
        ).length;
        const progress = startupProgress(
          this.#everReady.size,
          this.#expected,
          this.#startedAt,
          this.#clock.now(),
          identifyFloorMs(identifying, this.#maxConcurrency),
        );
        logger?.info(
          { ready: progress.ready, total: progress.total, etaMs: progress.etaMs },
          formatProgress(progress),
        );
        this.emit('progress', progress.ready, progress.total);
      }
      if (this.health().ok) this.emit('ready');
    });
    shard.on('identify', () => {
      this.emit('identify', shard.id);
      this.metrics.identifies.inc();
      void this.#throttler?.remaining().then((left) => this.metrics.sessionBudget.set(left));
    });
    shard.on('resumed', () => this.metrics.resumes.inc());
    shard.on('reconnect', (action) => this.metrics.reconnects.inc({ action }));
    shard.on('heartbeat', (latency) =>
      this.metrics.heartbeatLatency.set({ shard: String(shard.id) }, latency),
    );
    shard.on('ready', (info) => {
      logger?.debug({ shard: shard.id, sessionId: info.sessionId }, 'shard identified');
    });
    shard.on('fatal', (err) => {
      if (generation !== this.#generation) {
        this.#resharder.fail(err);
        return;
      }
      void this.#store.clear(shard.id);
      this.emit('fatal', err);
      // 4011: Discord wants more shards. The other shards keep running; a new set replaces them.
      if (err.code === 4011 && !this.resharding) {
        logger?.warn({ shard: shard.id }, 'close 4011 (sharding required): resharding');
        (this.#options.shardIds
          ? this.#coordinate({ atLeast: this.#shardCount + 1 })
          : this.#resharder.run(undefined, this.#shardCount + 1)
        ).catch((e: unknown) => logger?.error({ err: e }, 'reshard after 4011 failed'));
      }
    });
  }

  #consumeCommands(shard: Shard): Promise<Subscription> {
    const routingKey = gatewayCommandRoutingKey(shard.id);
    return this.#options.broker.consume<GatewayCommand>(
      `gateway.commands.${this.#botId}.${shard.id}`,
      routingKey,
      async (delivery) => {
        const command = delivery.body;
        const op = command && typeof command === 'object' ? COMMAND_OPS[command.type] : undefined;
        if (op === undefined) {
          throw new PoisonMessageError(`not a gateway command: ${JSON.stringify(command).slice(0, 200)}`);
        }
        if (command.shard !== shard.id) {
          throw new PoisonMessageError(`command for shard ${command.shard} arrived on shard ${shard.id}`);
        }
        await shard.send({ op, d: command.data }, AbortSignal.timeout(60_000));
      },
      { prefetch: 1 },
    );
  }
}
