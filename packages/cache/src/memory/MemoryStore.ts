/**
 * The memory backend: every entity packed into one flat latin1 string (see codec/) without its id,
 * in compact tables keyed by 64-bit ids (IdTable); users shared between guilds and
 * reference-counted. No per-entity objects, map entries or closures.
 */
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
import { GuildRecord, key } from './GuildRecord.js';
import { IdTable } from './IdTable.js';

const MINUTE = 60_000;

export class MemoryStore implements Store {
  readonly backend = 'memory';
  readonly #guilds = new IdTable<GuildRecord>();
  readonly #channelGuild = new IdTable<GuildRecord>();
  /** Users, with the number of cached members referring to each. */
  readonly #users = new IdTable<string>(4, true);

  constructor(readonly policy: Policy) {}

  async write(ops: readonly Op[], touched?: { guildId: string; at: number }): Promise<void> {
    for (const op of ops) this.#apply(op, touched?.at ?? 0);
    if (touched) {
      const record = this.#guild(touched.guildId);
      if (record) record.lastActive = touched.at;
    }
  }

  async touch(guilds: ReadonlyMap<string, number>): Promise<void> {
    for (const [guildId, at] of guilds) {
      const record = this.#guild(guildId);
      if (record && at > record.lastActive) record.lastActive = at;
    }
  }

  #apply(op: Op, now: number): void {
    const c = this.policy.stored;
    switch (op.type) {
      case 'guild.put': {
        const id = BigInt(op.guildId);
        const record = this.#guilds.get(id);
        const data = c.guild.encode(op.guild);
        if (record) {
          record.data = data;
          record.shard = op.shard;
        } else {
          this.#guilds.set(id, new GuildRecord(id, data, op.shard, now));
        }
        return;
      }
      case 'guild.drop':
        this.#dropGuild(BigInt(op.guildId));
        return;
      case 'channel.put': {
        const record = this.#guild(op.guildId);
        if (!record) return;
        const id = BigInt(op.channel.id);
        record.channels.set(id, c.channel.encode({ ...op.channel, guild_id: op.guildId }));
        this.#channelGuild.set(id, record);
        return;
      }
      case 'channel.drop': {
        const id = BigInt(op.channelId);
        this.#guild(op.guildId)?.channels.delete(id);
        this.#channelGuild.delete(id);
        return;
      }
      case 'role.put':
        this.#guild(op.guildId)?.roles.set(BigInt(op.role.id), c.role.encode(op.role));
        return;
      case 'role.drop':
        this.#guild(op.guildId)?.roles.delete(BigInt(op.roleId));
        return;
      case 'member.put': {
        const record = this.#guild(op.guildId);
        if (!record) return;
        const id = BigInt(op.userId);
        if (record.members.set(id, this.policy.member.encode(op.member))) {
          record.sortedMembers = undefined;
          this.#users.count(id, 1);
        }
        return;
      }
      case 'member.drop': {
        const record = this.#guild(op.guildId);
        const id = BigInt(op.userId);
        if (record?.members.delete(id)) {
          record.sortedMembers = undefined;
          this.#release(id);
        }
        return;
      }
      case 'user.put':
        this.#users.set(BigInt(op.user.id), c.user.encode(op.user));
        return;
      case 'emoji.put': {
        const record = this.#guild(op.guildId);
        if (!record || !op.emoji.id) return;
        record.emojis ??= new IdTable();
        record.emojis.set(BigInt(op.emoji.id), c.emoji.encode(op.emoji));
        return;
      }
      case 'emojis.clear':
        this.#guild(op.guildId)?.emojis?.clear();
        return;
      case 'voice.put': {
        const record = this.#guild(op.guildId);
        if (!record) return;
        record.voiceStates ??= new IdTable();
        record.voiceStates.set(BigInt(op.state.user_id), c.voiceState.encode(op.state));
        return;
      }
      case 'voice.drop':
        this.#guild(op.guildId)?.voiceStates?.delete(BigInt(op.userId));
        return;
      default:
        throw new Error(`memory cache: unknown write ${(op as { type: string }).type}`);
    }
  }

  #guild(guildId: string): GuildRecord | undefined {
    const id = key(guildId);
    return id === undefined ? undefined : this.#guilds.get(id);
  }

  /** One member fewer refers to the user; a user no member refers to goes. */
  #release(userId: bigint): void {
    if (this.#users.has(userId) && this.#users.count(userId, -1) === 0) this.#users.delete(userId);
  }

  #dropGuild(id: bigint): void {
    const record = this.#guilds.get(id);
    if (!record) return;
    for (const channelId of record.channels.keys()) this.#channelGuild.delete(channelId);
    for (const userId of record.members.keys()) this.#release(userId);
    this.#guilds.delete(id);
  }

  #decode<T>(entity: KeyedEntity, id: bigint, data: string | undefined): T | undefined {
    return data === undefined ? undefined : this.policy.decodeKeyed<T>(entity, id.toString(), data);
  }

  #decodeAll<T>(entity: KeyedEntity, table: IdTable<string> | undefined): T[] {
    if (!table) return [];
    const out: T[] = [];
    for (const [id, data] of table.entries())
      out.push(this.policy.decodeKeyed<T>(entity, id.toString(), data));
    return out;
  }

  #member(record: GuildRecord, id: bigint): CachedMember | undefined {
    const data = record.members.get(id);
    if (data === undefined) return undefined;
    const fields = this.policy.member.decode<MemberFields>(data);
    const user =
      this.#decode<CachedUser>('user', id, this.#users.get(id)) ?? ({ id: id.toString() } as CachedUser);
    return { ...fields, roles: fields.roles ?? [], user } as CachedMember;
  }

  async guild(guildId: string): Promise<CachedGuild | undefined> {
    const record = this.#guild(guildId);
    return record && this.#decode<CachedGuild>('guild', record.id, record.data);
  }
  async hasGuild(guildId: string): Promise<boolean> {
    return this.#guild(guildId) !== undefined;
  }
  async shardOf(guildId: string): Promise<number | undefined> {
    return this.#guild(guildId)?.shard;
  }
  async channel(channelId: string): Promise<CachedChannel | undefined> {
    const id = key(channelId);
    if (id === undefined) return undefined;
    return this.#decode('channel', id, this.#channelGuild.get(id)?.channels.get(id));
  }
  async channels(guildId: string): Promise<CachedChannel[]> {
    return this.#decodeAll('channel', this.#guild(guildId)?.channels);
  }
  async role(guildId: string, roleId: string): Promise<CachedRole | undefined> {
    const id = key(roleId);
    if (id === undefined) return undefined;
    return this.#decode('role', id, this.#guild(guildId)?.roles.get(id));
  }
  async roles(guildId: string): Promise<CachedRole[]> {
    return this.#decodeAll('role', this.#guild(guildId)?.roles);
  }
  async member(guildId: string, userId: string): Promise<CachedMember | undefined> {
    const record = this.#guild(guildId);
    const id = key(userId);
    return record && id !== undefined ? this.#member(record, id) : undefined;
  }
  async members(guildId: string, limit: number, after?: string): Promise<Page<CachedMember>> {
    const record = this.#guild(guildId);
    if (!record) return { items: [] };
    record.sortedMembers ??= record.members.sortedKeys();
    const ids = record.sortedMembers;
    const from = after === undefined ? 0 : firstAbove(ids, key(after) ?? 0n);
    const slice = ids.subarray(from, from + limit);
    const items = Array.from(slice, (id) => this.#member(record, id)!);
    const more = from + limit < ids.length;
    return more ? { items, next: slice[slice.length - 1]!.toString() } : { items };
  }
  async user(userId: string): Promise<CachedUser | undefined> {
    const id = key(userId);
    if (id === undefined) return undefined;
    return this.#decode('user', id, this.#users.get(id));
  }
  async emoji(guildId: string, emojiId: string): Promise<CachedEmoji | undefined> {
    const id = key(emojiId);
    if (id === undefined) return undefined;
    return this.#decode('emoji', id, this.#guild(guildId)?.emojis?.get(id));
  }
  async emojis(guildId: string): Promise<CachedEmoji[]> {
    return this.#decodeAll('emoji', this.#guild(guildId)?.emojis);
  }
  async voiceState(guildId: string, userId: string): Promise<CachedVoiceState | undefined> {
    const id = key(userId);
    if (id === undefined) return undefined;
    return this.#decode('voiceState', id, this.#guild(guildId)?.voiceStates?.get(id));
  }
  async voiceStates(guildId: string): Promise<CachedVoiceState[]> {
    return this.#decodeAll('voiceState', this.#guild(guildId)?.voiceStates);
  }
  async guildIds(shard?: number): Promise<string[]> {
    const out: string[] = [];
    for (const record of this.#guilds.values()) {
      if (shard === undefined || record.shard === shard) out.push(record.id.toString());
    }
    return out;
  }
  async guildCount(shard?: number): Promise<number> {
    if (shard === undefined) return this.#guilds.size;
    let count = 0;
    for (const record of this.#guilds.values()) if (record.shard === shard) count++;
    return count;
  }
  async idleGuilds(before: number): Promise<string[]> {
    const out: string[] = [];
    for (const record of this.#guilds.values())
      if (record.lastActive < before) out.push(record.id.toString());
    return out;
  }

  async stats(now: number): Promise<CacheStats> {
    const entities = {
      guilds: 0,
      channels: 0,
      roles: 0,
      members: 0,
      users: this.#users.size,
      emojis: 0,
      voiceStates: 0,
    };
    const activity = { last5m: 0, last1h: 0, last24h: 0, older: 0 };
    // Packed bytes, V8's string header, and a table slot (key + value) per entity.
    const entry = (data: string) => 16 + data.length + 16;
    let bytes = 0;
    const add = (table: IdTable<string> | undefined): number => {
      for (const data of table?.values() ?? []) bytes += entry(data);
      return table?.size ?? 0;
    };
    for (const record of this.#guilds.values()) {
      entities.guilds++;
      bytes += entry(record.data);
      entities.channels += add(record.channels);
      entities.roles += add(record.roles);
      entities.members += add(record.members);
      entities.emojis += add(record.emojis);
      entities.voiceStates += add(record.voiceStates);
      const age = now - record.lastActive;
      if (age <= 5 * MINUTE) activity.last5m++;
      else if (age <= 60 * MINUTE) activity.last1h++;
      else if (age <= 24 * 60 * MINUTE) activity.last24h++;
      else activity.older++;
    }
    add(this.#users);
    return { backend: this.backend, entities, bytes, activity };
  }

  async close(): Promise<void> {
    this.#guilds.clear();
    this.#channelGuild.clear();
    this.#users.clear();
  }
}

/** Index of the first id greater than `after` in an ascending array. */
function firstAbove(ids: BigUint64Array, after: bigint): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ids[mid]! <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
