/**
 * The Redis backend: packed entities as bytes in per-guild hashes (see keys.ts), each dispatch's
 * writes sent as one pipeline. On a Redis Cluster, commands go out auto-pipelined per node.
 */
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
import type { Codec } from '../codec/schema.js';
import type { Policy } from '../options.js';
import type { MemberFields, Op, Store } from '../store/Store.js';
import { Keys, padId, unpadId } from './keys.js';
import { type Command, commandsFor, type DropInfo } from './writes.js';

const MINUTE = 60_000;
const SNOWFLAKE = /^\d{1,20}$/;

const text = (b: Buffer | null | undefined): string | undefined =>
  b == null ? undefined : b.toString('latin1');

export interface RedisStoreOptions {
  /** Key prefix, without braces. */
  prefix: string;
  /** Close the client on `close()` (true when the store made it). */
  ownsClient?: boolean;
}

export class RedisStore implements Store {
  readonly backend = 'redis';
  readonly keys: Keys;
  /** Round trips sent by `write` (for tests and metrics). */
  writeRoundTrips = 0;

  constructor(
    readonly client: Redis | Cluster,
    readonly policy: Policy,
    private readonly options: RedisStoreOptions,
  ) {
    this.keys = new Keys(options.prefix);
  }

  async write(ops: readonly Op[], touched?: { guildId: string; at: number }): Promise<void> {
    const drops = await this.#dropInfo(ops);
    const at = touched?.at ?? 0;
    const commands = commandsFor(ops, this.keys, this.policy, drops, at);
    if (touched && SNOWFLAKE.test(touched.guildId)) {
      commands.push(['ZADD', this.keys.activity(), 'XX', at, touched.guildId]);
    }
    await this.#send(commands);
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

  async #send(commands: Command[]): Promise<void> {
    if (commands.length === 0) return;
    this.writeRoundTrips++;
    if (this.client instanceof Cluster) {
      // A cluster pipeline must stay in one slot; auto-pipelining batches per node instead.
      await Promise.all(commands.map(([name, ...args]) => this.client.call(name, ...args)));
      return;
    }
    const results = await this.client
      .pipeline(commands.map(([name, ...args]) => [name.toLowerCase(), ...args]))
      .exec();
    for (const [error] of results ?? []) if (error) throw error;
  }

  #decode<T>(codec: Codec, b: Buffer | null | undefined): T | undefined {
    const packed = text(b);
    return packed === undefined ? undefined : codec.decode<T>(packed);
  }

  #decodeAll<T>(codec: Codec, values: Buffer[]): T[] {
    return values.map((b) => codec.decode<T>(b.toString('latin1')));
  }

  async guild(guildId: string): Promise<CachedGuild | undefined> {
    if (!SNOWFLAKE.test(guildId)) return undefined;
    return this.#decode(this.policy.guild, await this.client.hgetBuffer(this.keys.guild(guildId), 'd'));
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
    return this.#decode(
      this.policy.channel,
      await this.client.hgetBuffer(this.keys.channels(guildId), channelId),
    );
  }
  async channels(guildId: string): Promise<CachedChannel[]> {
    if (!SNOWFLAKE.test(guildId)) return [];
    return this.#decodeAll(this.policy.channel, await this.client.hvalsBuffer(this.keys.channels(guildId)));
  }
  async role(guildId: string, roleId: string): Promise<CachedRole | undefined> {
    if (!SNOWFLAKE.test(guildId)) return undefined;
    return this.#decode(this.policy.role, await this.client.hgetBuffer(this.keys.roles(guildId), roleId));
  }
  async roles(guildId: string): Promise<CachedRole[]> {
    if (!SNOWFLAKE.test(guildId)) return [];
    return this.#decodeAll(this.policy.role, await this.client.hvalsBuffer(this.keys.roles(guildId)));
  }
  async member(guildId: string, userId: string): Promise<CachedMember | undefined> {
    if (!SNOWFLAKE.test(guildId) || !SNOWFLAKE.test(userId)) return undefined;
    const [member, user] = await Promise.all([
      this.client.hgetBuffer(this.keys.members(guildId), userId),
      this.client.hgetBuffer(this.keys.users(userId), userId),
    ]);
    return this.#joinMember(userId, member, user);
  }

  #joinMember(userId: string, member: Buffer | null, user: Buffer | null): CachedMember | undefined {
    const fields = this.#decode<MemberFields>(this.policy.member, member);
    if (!fields) return undefined;
    const decodedUser = this.#decode<CachedUser>(this.policy.user, user) ?? ({ id: userId } as CachedUser);
    return { ...fields, roles: fields.roles ?? [], user: decodedUser } as CachedMember;
  }

  async members(guildId: string, limit: number, after?: string): Promise<Page<CachedMember>> {
    if (!SNOWFLAKE.test(guildId)) return { items: [] };
    const from = after !== undefined && SNOWFLAKE.test(after) ? `(${padId(after)}` : '-';
    const padded = await this.client.zrangebylex(
      this.keys.memberIndex(guildId),
      from,
      '+',
      'LIMIT',
      0,
      limit + 1,
    );
    const ids = padded.slice(0, limit).map(unpadId);
    if (ids.length === 0) return { items: [] };
    const [members, users] = await Promise.all([
      this.client.hmgetBuffer(this.keys.members(guildId), ...ids),
      Promise.all(ids.map((id) => this.client.hgetBuffer(this.keys.users(id), id))),
    ]);
    const items = ids.flatMap((id, i) => this.#joinMember(id, members[i] ?? null, users[i] ?? null) ?? []);
    return padded.length > limit ? { items, next: ids[ids.length - 1]! } : { items };
  }
  async user(userId: string): Promise<CachedUser | undefined> {
    if (!SNOWFLAKE.test(userId)) return undefined;
    return this.#decode(this.policy.user, await this.client.hgetBuffer(this.keys.users(userId), userId));
  }
  async emoji(guildId: string, emojiId: string): Promise<CachedEmoji | undefined> {
    if (!SNOWFLAKE.test(guildId)) return undefined;
    return this.#decode(this.policy.emoji, await this.client.hgetBuffer(this.keys.emojis(guildId), emojiId));
  }
  async emojis(guildId: string): Promise<CachedEmoji[]> {
    if (!SNOWFLAKE.test(guildId)) return [];
    return this.#decodeAll(this.policy.emoji, await this.client.hvalsBuffer(this.keys.emojis(guildId)));
  }
  async voiceState(guildId: string, userId: string): Promise<CachedVoiceState | undefined> {
    if (!SNOWFLAKE.test(guildId)) return undefined;
    return this.#decode(
      this.policy.voiceState,
      await this.client.hgetBuffer(this.keys.voiceStates(guildId), userId),
    );
  }
  async voiceStates(guildId: string): Promise<CachedVoiceState[]> {
    if (!SNOWFLAKE.test(guildId)) return [];
    return this.#decodeAll(
      this.policy.voiceState,
      await this.client.hvalsBuffer(this.keys.voiceStates(guildId)),
    );
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
          this.client.hlen(this.keys.members(id)),
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
    // The cache's own keys (MEMORY USAGE), not the whole server's used_memory.
    const shared = [
      this.keys.guildShards(),
      this.keys.activity(),
      ...this.keys.userBuckets(),
      ...this.keys.channelIndexBuckets(),
    ];
    const perGuild = guildIds.flatMap((id) => this.keys.allOfGuild(id));
    const sizes = await Promise.all([...shared, ...perGuild].map((key) => this.client.memory('USAGE', key)));
    const bytes = sizes.reduce<number>((sum, n) => sum + (n ?? 0), 0);
    return { backend: this.backend, entities, bytes, activity };
  }

  async close(): Promise<void> {
    if (this.options.ownsClient) await this.client.quit();
  }
}
