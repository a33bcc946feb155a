/**
 * Lazy loading (discordeno's "dispatch requirements"): before a dispatch for a guild missing from the
 * cache is applied, the guild, its channels and roles are fetched through the REST seam. One load per
 * guild at a time (concurrent dispatches wait for it) and at most `maxPerSecond` loads started per
 * second across all guilds, so a mass event for uncached guilds never floods Discord.
 */
import {
  type Clock,
  Counter,
  Gauge,
  guildIdOf,
  type Logger,
  type Registry,
  systemClock,
} from '@shardwire/core';
import type { Rest } from '@shardwire/rest';
import type { APIChannel, APIGuild } from 'discord-api-types/v10';
import { StoreCache } from '../StoreCache.js';
import type { Store } from '../store/Store.js';
import { type Eviction, startEviction } from './eviction.js';
import { RateGate } from './RateGate.js';

export interface LazyOptions {
  rest: Rest;
  /** Guild loads started per second, across all guilds. Default 5. */
  maxPerSecond?: number;
  clock?: Clock;
  registry?: Registry;
  logger?: Logger;
  /** Drop guilds with no event for this long (ms); 0 or absent: never. */
  evictIdleMs?: number;
}

/** Dispatches that bring their guild in full, or remove it: never a reason to load it. */
const SELF_SUFFICIENT = new Set(['GUILD_CREATE', 'GUILD_DELETE']);

export class LazyCache extends StoreCache {
  readonly #rest: Rest;
  readonly #gate: RateGate;
  readonly #inFlight = new Map<string, Promise<boolean>>();
  readonly #logger: Logger | undefined;
  readonly #loads: Counter<'result'>;
  readonly #pending: Gauge;
  readonly #eviction: Eviction | undefined;

  constructor(store: Store, options: LazyOptions) {
    super(store, options);
    this.#rest = options.rest;
    this.#gate = new RateGate(options.maxPerSecond ?? 5, options.clock ?? systemClock);
    this.#logger = options.logger;
    const registers = options.registry ? [options.registry] : [];
    this.#loads = new Counter({
      name: 'shardwire_cache_lazy_loads_total',
      help: 'Guilds loaded through REST because a dispatch found them missing from the cache, by result.',
      labelNames: ['result'],
      registers,
    });
    this.#pending = new Gauge({
      name: 'shardwire_cache_lazy_loads_pending',
      help: 'Guild loads waiting for the per-second cap or in flight.',
      registers,
    });
    if (options.evictIdleMs) {
      const { clock, logger, registry } = options;
      this.#eviction = startEviction(this, { idleMs: options.evictIdleMs, clock, logger, registry });
    }
  }

  override async apply(t: string, d: unknown, shard: number): Promise<void> {
    const guildId = SELF_SUFFICIENT.has(t) ? undefined : guildIdOf(t, d);
    if (guildId !== undefined) await this.ensureGuild(guildId, shard);
    await super.apply(t, d, shard);
  }

  /**
   * Makes sure the guild is cached, loading it if needed. Resolves to whether it is cached; a failed
   * load is logged and counted, and the dispatch goes on without it.
   */
  async ensureGuild(guildId: string, shard: number): Promise<boolean> {
    const running = this.#inFlight.get(guildId);
    if (running) return running;
    if (await this.guild(guildId)) return true;
    // Another caller may have started the load while we looked.
    const started = this.#inFlight.get(guildId);
    if (started) return started;
    const load = this.#load(guildId, shard).finally(() => this.#inFlight.delete(guildId));
    this.#inFlight.set(guildId, load);
    return load;
  }

  async #load(guildId: string, shard: number): Promise<boolean> {
    this.#pending.inc();
    try {
      await this.#gate.acquire();
      const [guild, channels] = await Promise.all([
        this.#rest.request<APIGuild>({ method: 'GET', path: `/guilds/${guildId}` }),
        this.#rest.request<APIChannel[]>({ method: 'GET', path: `/guilds/${guildId}/channels` }),
      ]);
      // The guild object carries its roles; the shape is GUILD_CREATE's, without members.
      const payload = { ...guild, channels, threads: [], members: [], voice_states: [], unavailable: false };
      await super.apply('GUILD_CREATE', payload, shard);
      this.#loads.inc({ result: 'ok' });
      return true;
    } catch (error) {
      this.#loads.inc({ result: 'error' });
      this.#logger?.warn({ guildId, err: (error as Error).message }, 'cache: lazy load of a guild failed');
      return false;
    } finally {
      this.#pending.dec();
    }
  }

  override async close(): Promise<void> {
    this.#eviction?.stop();
    this.#gate.close();
    await super.close();
  }
}
