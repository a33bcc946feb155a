/**
 * The shards of one bot owned by this process: asks `GET /gateway/bot`, starts the shards within
 * the identify limits, feeds each shard's dispatches through its pipeline (cache, then broker),
 * keeps the session store at the last confirmed seq, and sends gateway commands from the broker.
 */
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { type Broker, PoisonMessageError, type Subscription } from '@shardwire/broker';
import type { Cache } from '@shardwire/cache';
import {
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
import { Checkpoint } from '../sessionStore/Checkpoint.js';
import { MemorySessionStore } from '../sessionStore/MemorySessionStore.js';
import type { SessionStore } from '../sessionStore/SessionStore.js';
import type { ShardFatalError } from '../shard/closeCodes.js';
import type { Compression } from '../shard/compression/index.js';
import { Shard, type ShardOptions, type ShardStatus } from '../shard/shard.js';
import { botIdFromToken } from './botId.js';
import { formatProgress, identifyFloorMs, startupProgress } from './progress.js';

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
  /** The shard ids this process owns. Default: all of them. */
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
}

export interface ShardManagerEvents {
  /** Every owned shard is READY (again). */
  ready: [];
  status: [shard: number, status: ShardStatus, previous: ShardStatus];
  fatal: [error: ShardFatalError];
  progress: [ready: number, total: number];
  /** A shard sent IDENTIFY (it had no session to resume, or lost it). */
  identify: [shard: number];
}

const COMMAND_OPS: Record<GatewayCommand['type'], number> = {
  presence_update: GatewayOpcodes.PresenceUpdate,
  voice_state_update: GatewayOpcodes.VoiceStateUpdate,
  request_guild_members: GatewayOpcodes.RequestGuildMembers,
};

interface Owned {
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
  readonly #owned = new Map<number, Owned>();
  #throttler: IdentifyThrottler | undefined;
  #botId = '';
  #shardCount = 0;
  #startedAt = 0;
  #maxConcurrency = 1;
  #everReady = new Set<number>();
  #stopped = false;

  constructor(options: ShardManagerOptions) {
    super();
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#store = options.sessionStore ?? new MemorySessionStore();
    this.metrics = new GatewayMetrics(options.metrics ?? new Registry());
    this.metrics.spoolSources.add(() => [...this.#owned].map(([id, o]) => [id, o.spool?.depthBytes ?? 0]));
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
    const ok = this.#owned.size > 0 && Object.values(shards).every((s) => s === 'ready');
    return { ok, shards };
  }

  /** Reads `/gateway/bot` and opens every owned shard; resolves once they are connecting. */
  async start(): Promise<void> {
    const { rest, logger } = this.#options;
    const info = await rest.request<APIGatewayBotInfo>({ method: 'GET', path: '/gateway/bot' });
    this.#botId = this.#options.botId ?? botIdFromToken(this.#options.token) ?? (await this.#fetchBotId());
    const count =
      this.#options.shardCount === undefined || this.#options.shardCount === 'auto'
        ? info.shards
        : this.#options.shardCount;
    this.#shardCount = count;
    const ids = this.#options.shardIds ?? Array.from({ length: count }, (_, i) => i);
    for (const id of ids) {
      if (!Number.isInteger(id) || id < 0 || id >= count) {
        throw new Error(`shard id ${id} is outside 0..${count - 1} (shard count ${count})`);
      }
    }
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
    for (const id of ids) await this.#startShard(id, info.url);
  }

  /** Resolves when every owned shard is READY; rejects when one stops for good. */
  waitUntilReady(signal?: AbortSignal): Promise<void> {
    if (this.health().ok) return Promise.resolve();
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

  async #startShard(id: number, gatewayUrl: string): Promise<void> {
    const { logger } = this.#options;
    const stored = await this.#store.load(id);
    const session = stored && stored.shardCount === this.#shardCount ? stored : undefined;
    if (stored && !session) await this.#store.clear(id);
    const checkpoint = new Checkpoint(this.#store, id, logger);
    const spool = this.#options.spoolDir
      ? await DiskSpool.open<Envelope>({
          dir: join(this.#options.spoolDir, this.#botId),
          name: `shard-${id}-of-${this.#shardCount}`,
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
      cache: this.#options.cache,
      clock: this.#clock,
      ...(spool ? { spool } : {}),
      ...(this.#options.publishTimeoutMs ? { publishTimeoutMs: this.#options.publishTimeoutMs } : {}),
      ...(this.#options.maxInFlight ? { maxInFlight: this.#options.maxInFlight } : {}),
      ...(logger ? { logger } : {}),
      onPublished: (_dispatch, latencyMs) => {
        this.metrics.publishLatency.observe(latencyMs);
        this.metrics.inFlight.dec();
      },
      onConfirmed: (dispatch) => {
        const current = shard.session;
        // A confirm of an older session cannot be resumed any more; only the live one is stored.
        if (!current || current.sessionId !== dispatch.sessionId) return;
        checkpoint.update({
          sessionId: current.sessionId,
          resumeGatewayUrl: current.resumeGatewayUrl,
          seq: dispatch.seq,
          shardCount: this.#shardCount,
        });
      },
    });
    const shard = new Shard({
      id,
      count: this.#shardCount,
      token: this.#options.token,
      intents: this.#options.intents,
      gatewayUrl: this.#options.gatewayUrl ?? gatewayUrl,
      identifyThrottler: this.#throttler!,
      clock: this.#clock,
      ...(session ? { session } : {}),
      ...(this.#options.compression !== undefined ? { compression: this.#options.compression } : {}),
      ...(this.#options.presence !== undefined ? { presence: this.#options.presence } : {}),
      ...(this.#options.largeThreshold !== undefined ? { largeThreshold: this.#options.largeThreshold } : {}),
      ...(logger ? { logger: logger.child({ shard: id }) } : {}),
      ...this.#options.shardOptions,
      onDispatch: (dispatch) => {
        this.metrics.events.inc({ type: dispatch.t });
        this.metrics.inFlight.inc();
        return pipeline.push(dispatch);
      },
    });
    this.#watch(shard);
    const owned: Owned = { shard, pipeline, checkpoint, ...(spool ? { spool } : {}) };
    this.#owned.set(id, owned);
    if (session) logger?.info({ shard: id, seq: session.seq }, 'resuming stored session');
    if (this.#options.consumeCommands !== false) owned.commands = await this.#consumeCommands(shard);
    shard.connect();
  }

  #watch(shard: Shard): void {
    const { logger } = this.#options;
    shard.on('status', (status, previous) => {
      this.metrics.shardsByState.inc({ state: status });
      if (previous !== 'idle') this.metrics.shardsByState.dec({ state: previous });
      this.emit('status', shard.id, status, previous);
      if (status !== 'ready') return;
      if (!this.#everReady.has(shard.id)) {
        this.#everReady.add(shard.id);
        const identifying = [...this.#owned.values()].filter(
          (o) => o.shard.status === 'identifying' || o.shard.status === 'connecting',
        ).length;
        const progress = startupProgress(
          this.#everReady.size,
          this.#owned.size,
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
      void this.#store.clear(shard.id);
      this.emit('fatal', err);
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
