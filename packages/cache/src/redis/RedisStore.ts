/**
 * The Redis backend: packed entities as bytes in per-guild hashes (see keys.ts), each dispatch's
 * writes sent as one pipeline. On a Redis Cluster, commands go out auto-pipelined per node.
 */
import type { Logger } from '@shardwire/core';
import { Cluster, type Redis } from 'ioredis';
import type {
  CachedChannel,
  CachedEmoji,
  CachedGuild,
  CachedMember,
  CachedRole,
  CachedUser,
  CachedVoiceState,
  CacheStats,
  Page,
} from '../Cache.js';
import type { KeyedEntity, Policy } from '../options.js';
import type { MemberFields, Op, Store } from '../store/Store.js';
import { Keys } from './keys.js';
import { planReplacement } from './replaced.js';
import { planMembership, USER_REF_SCRIPT } from './userRefs.js';
import { type Command, commandsFor, type DropInfo } from './writes.js';

const MINUTE = 60_000;
const SNOWFLAKE = /^\d{1,20}$/;

export interface RedisStoreOptions {
  /** Key prefix, without braces. */
  prefix: string;
  /** Close the client on `close()` (true when the store made it). */
  ownsClient?: boolean;
  /** Hashes the users and the channel index are spread over (default 4096; see keys.ts). */
  indexBuckets?: number;
  logger?: Logger;
}

type WithUserRefScript = {
  shardwireUserRef(users: string, refs: string, userId: string, delta: number): Promise<number>;
};

export class RedisStore implements Store {
  readonly backend = 'redis';
  readonly keys: Keys;
  /** Round trips sent by `write` (for tests and metrics). */
  writeRoundTrips = 0;
  /** The last writes' follow-ups (user counts, clean-up); the next write waits for them, so one writer stays in order. */
  #refs: Promise<void> = Promise.resolve();

  constructor(
    readonly client: Redis | Cluster,
    readonly policy: Policy,
    private readonly options: RedisStoreOptions,
  ) {
    this.keys = new Keys(options.prefix, options.indexBuckets);
    client.defineCommand('shardwireUserRef', { numberOfKeys: 2, lua: USER_REF_SCRIPT });
  }

  async write(ops: readonly Op[], touched?: { guildId: string; at: number }): Promise<void> {
    await this.#refs;
    const drops = await this.#dropInfo(ops);
    const at = touched?.at ?? 0;
    const membership = planMembership(ops, this.keys);
    const replacement = planReplacement(ops, this.keys);
    const probes = [...membership.probes, ...replacement.probes];
    const commands = [...probes, ...commandsFor(ops, this.keys, this.policy, drops, at)];
    if (touched && SNOWFLAKE.test(touched.guildId)) {
      commands.push(['ZADD', this.keys.activity(), 'XX', at, touched.guildId]);
    }
    const results = await this.#send(commands);
    const deltas = membership.deltas(results.slice(0, membership.probes.length));
    const cleanup = replacement.cleanup(results.slice(membership.probes.length, probes.length));
    if (deltas.size > 0 || cleanup.length > 0) {
      // Writes of other shards may be in flight too: keep every pending follow-up in the chain.
      const following = this.#followUp(deltas, cleanup);
      this.#refs = Promise.all([this.#refs, following]).then(() => undefined);
    }
  }

  /** Resolves when the follow-ups of the writes so far are applied. */
  settled(): Promise<void> {
    return this.#refs;
  }

  /** User counts and clean-up that follow a write, off the dispatch's path. */
  async #followUp(deltas: Map<string, number>, cleanup: Command[]): Promise<void> {
    const client = this.client as unknown as WithUserRefScript;
    try {
      await Promise.all([
        ...[...deltas].map(([id, delta]) =>
          client.shardwireUserRef(this.keys.users(id), this.keys.userRefs(id), id, delta),
        ),
        ...cleanup.map(([name, ...args]) => this.client.call(name, ...args)),
      ]);
    } catch (error) {
      this.options.logger?.warn({ err: (error as Error).message }, 'cache: follow-up of a write failed');
    }
  }

  async touch(guilds: ReadonlyMap<string, number>): Promise<void> {
    const scores: (string | number)[] = [];
    for (const [guildId, at] of guilds) if (SNOWFLAKE.test(guildId)) scores.push(at, guildId);
    if (scores.length > 0) await this.#send([['ZADD', this.keys.activity(), 'XX', ...scores]]);
  }

  /** A full drop (the bot left, or eviction) first reads what it must clean outside the guild's slot. */
  async #dropInfo(ops: readonly Op[]): Promise<Map<string, DropInfo>> {
    const out = new Map<string, DropInfo>();
    const full = ops
      .filter((op) => op.type === 'guild.drop' && !op.replacing)
      .map((op) => (op as { guildId: string }).guildId);
    await Promise.all(
      full.map(async (guildId) => {
        const [shard, channelIds] = await Promise.all([
          this.client.hget(this.keys.guildShards(), guildId),
          this.client.hkeys(this.keys.channels(guildId)),
        ]);
        out.set(guildId, { shard: shard == null ? undefined : Number(shard), channelIds });
      }),
    );
    return out;
  }

  /** Sends the commands at once and returns their results in order. */
  async #send(commands: Command[]): Promise<unknown[]> {
    if (commands.length === 0) return [];
    this.writeRoundTrips++;
    if (this.client instanceof Cluster) {
      // A cluster pipeline must stay in one slot; auto-pipelining batches per node instead.
      return Promise.all(commands.map(([name, ...args]) => this.client.call(name, ...args)));
    }
    const results = await this.client
      .pipeline(commands.map(([name, ...args]) => [name.toLowerCase(), ...args]))
      .exec();
    return (results ?? []).map(([error, result]) => {
      if (error) throw error;
      return result;
    });
  }

  /** One value stored under `id`, decoded with its id put back. */
  #one<T>(entity: KeyedEntity, id: string, b: Buffer | null | undefined): T | undefined {
    return b == null ? undefined : this.policy.decodeKeyed<T>(entity, id, b.toString('latin1'));
  }

  async #all<T>(entity: KeyedEntity, key: string): Promise<T[]> {
    const all = await this.client.hgetallBuffer(key);
    return Object.entries(all).map(([id, b]) => this.policy.decodeKeyed<T>(entity, id, b.toString('latin1')));
  }

  async guild(guildId: string): Promise<CachedGuild | undefined> {
    if (!SNOWFLAKE.test(guildId)) return undefined;
    return this.#one('guild', guildId, await this.client.hgetBuffer(this.keys.guild(guildId), 'd'));
  }
  async hasGuild(guildId: string): Promise<boolean> {
    return SNOWFLAKE.test(guildId) && (await this.client.exists(this.keys.guild(guildId))) === 1;
  }
  async shardOf(guildId: string): Promise<number | undefined> {
    if (!SNOWFLAKE.test(guildId)) return undefined;
    const shard = await this.client.hget(this.keys.guild(guildId), 's');
    return shard == null ? undefined : Number(shard);
  }
  async channel(channelId: string): Promise<CachedChannel | undefined> {
    if (!SNOWFLAKE.test(channelId)) return undefined;
    const guildId = await this.client.hget(this.keys.channelIndex(channelId), channelId);
    if (guildId == null) return undefined;
    // The index may outlive a replaced guild's channel: the guild's own hash decides.
    return this.#one(
      'channel',
      channelId,
      await this.client.hgetBuffer(this.keys.channels(guildId), channelId),
    );
  }
  async channels(guildId: string): Promise<CachedChannel[]> {
    return SNOWFLAKE.test(guildId) ? this.#all('channel', this.keys.channels(guildId)) : [];
  }
  async role(guildId: string, roleId: string): Promise<CachedRole | undefined> {
    if (!SNOWFLAKE.test(guildId) || !SNOWFLAKE.test(roleId)) return undefined;
    return this.#one('role', roleId, await this.client.hgetBuffer(this.keys.roles(guildId), roleId));
  }
  async roles(guildId: string): Promise<CachedRole[]> {
    return SNOWFLAKE.test(guildId) ? this.#all('role', this.keys.roles(guildId)) : [];
  }
  async member(guildId: string, userId: string): Promise<CachedMember | undefined> {
    if (!SNOWFLAKE.test(guildId) || !SNOWFLAKE.test(userId)) return undefined;
    const [member, user] = await Promise.all([
      this.client.hgetBuffer(this.keys.members(guildId, userId), userId),
      this.client.hgetBuffer(this.keys.users(userId), userId),
    ]);
    return this.#joinMember(userId, member, user);
  }

  #joinMember(userId: string, member: Buffer | null, user: Buffer | null): CachedMember | undefined {
    if (member == null) return undefined;
    const fields = this.policy.member.decode<MemberFields>(member.toString('latin1'));
    const decodedUser = this.#one<CachedUser>('user', userId, user) ?? ({ id: userId } as CachedUser);
    return { ...fields, roles: fields.roles ?? [], user: decodedUser } as CachedMember;
  }

  /**
   * Members in id order. Redis keeps no sorted index (a sorted set costs ~100 bytes per member):
   * each page reads the guild's member ids (one pipeline) and sorts them here.
   */
  async members(guildId: string, limit: number, after?: string): Promise<Page<CachedMember>> {
    if (!SNOWFLAKE.test(guildId)) return { items: [] };
    const buckets = await Promise.all(this.keys.memberBuckets(guildId).map((key) => this.client.hkeys(key)));
    const floor = after !== undefined && SNOWFLAKE.test(after) ? BigInt(after) : -1n;
    const sorted = BigUint64Array.from(
      buckets
        .flat()
        .map(BigInt)
        .filter((id) => id > floor),
    ).sort();
    const ids = Array.from(sorted.subarray(0, limit), String);
    if (ids.length === 0) return { items: [] };
    const [members, users] = await Promise.all([
      Promise.all(ids.map((id) => this.client.hgetBuffer(this.keys.members(guildId, id), id))),
      Promise.all(ids.map((id) => this.client.hgetBuffer(this.keys.users(id), id))),
    ]);
    const items = ids.flatMap((id, i) => this.#joinMember(id, members[i] ?? null, users[i] ?? null) ?? []);
    return sorted.length > limit ? { items, next: ids[ids.length - 1]! } : { items };
  }
  async user(userId: string): Promise<CachedUser | undefined> {
    if (!SNOWFLAKE.test(userId)) return undefined;
    return this.#one('user', userId, await this.client.hgetBuffer(this.keys.users(userId), userId));
  }
  async emoji(guildId: string, emojiId: string): Promise<CachedEmoji | undefined> {
    if (!SNOWFLAKE.test(guildId) || !SNOWFLAKE.test(emojiId)) return undefined;
    return this.#one('emoji', emojiId, await this.client.hgetBuffer(this.keys.emojis(guildId), emojiId));
  }
  async emojis(guildId: string): Promise<CachedEmoji[]> {
    return SNOWFLAKE.test(guildId) ? this.#all('emoji', this.keys.emojis(guildId)) : [];
  }
  async voiceState(guildId: string, userId: string): Promise<CachedVoiceState | undefined> {
    if (!SNOWFLAKE.test(guildId) || !SNOWFLAKE.test(userId)) return undefined;
    return this.#one(
      'voiceState',
      userId,
      await this.client.hgetBuffer(this.keys.voiceStates(guildId), userId),
    );
  }
  async voiceStates(guildId: string): Promise<CachedVoiceState[]> {
    return SNOWFLAKE.test(guildId) ? this.#all('voiceState', this.keys.voiceStates(guildId)) : [];
  }
  async guildIds(shard?: number): Promise<string[]> {
    if (shard === undefined) return this.client.hkeys(this.keys.guildShards());
    return this.client.smembers(this.keys.shard(shard));
  }
  async guildCount(shard?: number): Promise<number> {
    if (shard === undefined) return this.client.hlen(this.keys.guildShards());
    return this.client.scard(this.keys.shard(shard));
  }
  async idleGuilds(before: number): Promise<string[]> {
    return this.client.zrangebyscore(this.keys.activity(), '-inf', `(${before}`);
  }

  async stats(now: number): Promise<CacheStats> {
    const guildIds = await this.guildIds();
    const entities = {
      guilds: guildIds.length,
      channels: 0,
      roles: 0,
      members: 0,
      users: 0,
      emojis: 0,
      voiceStates: 0,
    };
    const lens = await Promise.all(
      guildIds.map((id) =>
        Promise.all([
          this.client.hlen(this.keys.channels(id)),
          this.client.hlen(this.keys.roles(id)),
          Promise.all(this.keys.memberBuckets(id).map((key) => this.client.hlen(key))).then((n) =>
            n.reduce((a, b) => a + b, 0),
          ),
          this.client.hlen(this.keys.emojis(id)),
          this.client.hlen(this.keys.voiceStates(id)),
        ]),
      ),
    );
    for (const [c, r, m, e, v] of lens) {
      entities.channels += c;
      entities.roles += r;
      entities.members += m;
      entities.emojis += e;
      entities.voiceStates += v;
    }
    const userCounts = await Promise.all(this.keys.userBuckets().map((key) => this.client.hlen(key)));
    entities.users = userCounts.reduce((a, b) => a + b, 0);
    const activity = {
      last5m: await this.client.zcount(this.keys.activity(), now - 5 * MINUTE, '+inf'),
      last1h: await this.client.zcount(this.keys.activity(), now - 60 * MINUTE, `(${now - 5 * MINUTE}`),
      last24h: await this.client.zcount(
        this.keys.activity(),
        now - 24 * 60 * MINUTE,
        `(${now - 60 * MINUTE}`,
      ),
      older: await this.client.zcount(this.keys.activity(), '-inf', `(${now - 24 * 60 * MINUTE}`),
    };
    const bytes = await this.#bytesUsed(guildIds);
    return { backend: this.backend, entities, bytes, activity };
  }

  /**
   * The MEMORY USAGE of the cache's own keys on one server. On a cluster MEMORY USAGE is not routed
   * by key, so it is the masters' `used_memory` (everything they hold).
   */
  async #bytesUsed(guildIds: string[]): Promise<number> {
    if (this.client instanceof Cluster) {
      const infos = await Promise.all(this.client.nodes('master').map((node) => node.info('memory')));
      return infos.reduce((sum, info) => sum + Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0), 0);
    }
    const client = this.client;
    const k = this.keys;
    const shared = [
      k.guildShards(),
      k.activity(),
      ...k.userBuckets(),
      ...k.userRefBuckets(),
      ...k.channelIndexBuckets(),
    ];
    const perGuild = guildIds.flatMap((id) => k.allOfGuild(id));
    const sizes = await Promise.all([...shared, ...perGuild].map((key) => client.memory('USAGE', key)));
    return sizes.reduce<number>((sum, n) => sum + (n ?? 0), 0);
  }

  async close(): Promise<void> {
    await this.#refs;
    if (this.options.ownsClient) await this.client.quit();
  }
}
