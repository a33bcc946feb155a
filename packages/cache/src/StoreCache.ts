/** The `Cache` over a `Store`: dispatches become writes through the event handlers; reads pass through. */
import { type Clock, guildIdOf, systemClock } from '@shardwire/core';
import type {
  Cache,
  CachedChannel,
  CachedEmoji,
  CachedGuild,
  CachedMember,
  CachedRole,
  CachedUser,
  CachedVoiceState,
  CacheStats,
  Page,
} from './Cache.js';
import type { EventContext, Handler } from './event/context.js';
import { handlers } from './event/index.js';
import type { CacheOptions, Policy } from './options.js';
import { computePermissions, type PermissionOverwrite } from './permissions.js';
import type { Op, Store } from './store/Store.js';
import { validateOp } from './store/validate.js';

export interface StoreCacheOptions extends CacheOptions {
  clock?: Clock;
}

const MAX_PAGE = 1000;
/** How long guild activity from events the cache keeps nothing of may wait before it is written. */
const TOUCH_FLUSH_MS = 1_000;

export class StoreCache implements Cache {
  readonly policy: Policy;
  readonly #clock: Clock;
  /**
   * Guilds marked active by events the cache keeps nothing of (a message, a reaction), with when,
   * not yet written: they go to the store together, at most a second late and before anything
   * reads activity, instead of a store write (a Redis round trip) per message.
   */
  #touches = new Map<string, number>();
  #touchesWrittenAt = 0;

  constructor(
    readonly store: Store,
    options: { clock?: Clock } = {},
  ) {
    this.policy = store.policy;
    this.#clock = options.clock ?? systemClock;
  }

  apply(t: string, d: unknown, shard: number): Promise<void> | undefined {
    const handler = handlers[t];
    const guildId = guildIdOf(t, d);
    if (handler) return this.#write(handler, t, d, shard, guildId);
    if (guildId === undefined) return undefined;
    const now = this.#clock.now();
    this.#touches.set(guildId, now);
    return now - this.#touchesWrittenAt >= TOUCH_FLUSH_MS ? this.#writeTouches() : undefined;
  }

  /** Writes the guild activity not yet written. */
  #writeTouches(): Promise<void> {
    this.#touchesWrittenAt = this.#clock.now();
    if (this.#touches.size === 0) return Promise.resolve();
    const touches = this.#touches;
    this.#touches = new Map();
    return this.store.touch(touches);
  }

  async #write(
    handler: Handler<object>,
    t: string,
    d: unknown,
    shard: number,
    guildId: string | undefined,
  ): Promise<void> {
    const touched = guildId === undefined ? undefined : { guildId, at: this.#clock.now() };
    if (d === null || typeof d !== 'object') throw new TypeError(`cache: ${t} payload is not an object`);
    const ctx: EventContext = { policy: this.policy, store: this.store, shard };
    try {
      const ops = await handler(ctx, d);
      for (const op of ops) validateOp(op);
      await this.store.write(await this.#forCachedGuilds(ops), touched);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`cache: cannot apply ${t}: ${reason}`, { cause: error });
    }
  }

  /**
   * Drops writes under a guild the cache does not hold (and this batch does not create), so an
   * evicted or unknown guild leaves no partial entities behind.
   */
  async #forCachedGuilds(ops: Op[]): Promise<Op[]> {
    const created = new Set(ops.flatMap((op) => (op.type === 'guild.put' ? [op.guildId] : [])));
    const under = new Set<string>();
    for (const op of ops) {
      if (op.type !== 'guild.drop' && 'guildId' in op && !created.has(op.guildId)) under.add(op.guildId);
    }
    if (under.size === 0) return ops;
    const missing = new Set<string>();
    await Promise.all(
      [...under].map(async (id) => {
        if (!(await this.store.hasGuild(id))) missing.add(id);
      }),
    );
    if (missing.size === 0) return ops;
    return ops.filter((op) => op.type === 'guild.put' || !('guildId' in op) || !missing.has(op.guildId));
  }

  guild(guildId: string): Promise<CachedGuild | undefined> {
    return this.store.guild(guildId);
  }
  channel(channelId: string): Promise<CachedChannel | undefined> {
    return this.store.channel(channelId);
  }
  user(userId: string): Promise<CachedUser | undefined> {
    return this.store.user(userId);
  }
  role(guildId: string, roleId: string): Promise<CachedRole | undefined> {
    return this.store.role(guildId, roleId);
  }
  member(guildId: string, userId: string): Promise<CachedMember | undefined> {
    return this.store.member(guildId, userId);
  }
  channels(guildId: string): Promise<CachedChannel[]> {
    return this.store.channels(guildId);
  }
  roles(guildId: string): Promise<CachedRole[]> {
    return this.store.roles(guildId);
  }
  members(guildId: string, options: { limit?: number; after?: string } = {}): Promise<Page<CachedMember>> {
    const limit = Math.min(MAX_PAGE, Math.max(1, Math.floor(options.limit ?? 100)));
    return this.store.members(guildId, limit, options.after);
  }
  emoji(guildId: string, emojiId: string): Promise<CachedEmoji | undefined> {
    return this.store.emoji(guildId, emojiId);
  }
  emojis(guildId: string): Promise<CachedEmoji[]> {
    return this.store.emojis(guildId);
  }
  voiceState(guildId: string, userId: string): Promise<CachedVoiceState | undefined> {
    return this.store.voiceState(guildId, userId);
  }
  voiceStates(guildId: string): Promise<CachedVoiceState[]> {
    return this.store.voiceStates(guildId);
  }
  guildCount(shard?: number): Promise<number> {
    return this.store.guildCount(shard);
  }
  guildIds(shard?: number): Promise<string[]> {
    return this.store.guildIds(shard);
  }
  async stats(): Promise<CacheStats> {
    await this.#writeTouches();
    return this.store.stats(this.#clock.now());
  }

  async permissions(guildId: string, userId: string, channelId?: string): Promise<bigint | undefined> {
    const [guild, member, roles] = await Promise.all([
      this.store.guild(guildId),
      this.store.member(guildId, userId),
      this.store.roles(guildId),
    ]);
    if (!guild || !member) return undefined;
    const byId = new Map(roles.map((r) => [r.id, BigInt(r.permissions)]));
    const memberRoles = member.roles.flatMap((id) => {
      const permissions = byId.get(id);
      return permissions === undefined || id === guildId ? [] : [{ id, permissions }];
    });
    let overwrites: PermissionOverwrite[] | undefined;
    let channelType: number | undefined;
    if (channelId !== undefined) {
      const channel = await this.#overwriteSource(channelId);
      if (!channel || channel.guild_id !== guildId) return undefined;
      channelType = channel.type;
      overwrites = (
        (channel as { permission_overwrites?: PermissionOverwrite[] }).permission_overwrites ?? []
      ).map((o) => ({ id: o.id, type: o.type, allow: BigInt(o.allow), deny: BigInt(o.deny) }));
    }
    const until = member.communication_disabled_until;
    return computePermissions({
      guildId,
      ownerId: guild.owner_id,
      userId,
      everyone: byId.get(guildId) ?? 0n,
      roles: memberRoles,
      overwrites,
      channelType,
      timedOutUntil: until ? Date.parse(until) : undefined,
      now: this.#clock.now(),
    });
  }

  /** A thread takes its parent's overwrites (and type, for implicit denials). */
  async #overwriteSource(channelId: string): Promise<CachedChannel | undefined> {
    const channel = await this.store.channel(channelId);
    if (!channel || ![10, 11, 12].includes(channel.type)) return channel;
    const parentId = (channel as { parent_id?: string | null }).parent_id;
    return parentId ? this.store.channel(parentId) : undefined;
  }

  /** Drops every guild (and everything under it) with no event for `idleMs`; returns their ids. */
  async evictIdle(idleMs: number): Promise<string[]> {
    await this.#writeTouches();
    const idle = await this.store.idleGuilds(this.#clock.now() - idleMs);
    for (const guildId of idle) await this.store.write([{ type: 'guild.drop', guildId }]);
    return idle;
  }

  async close(): Promise<void> {
    await this.#writeTouches();
    return this.store.close();
  }
}
