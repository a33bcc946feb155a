/**
 * The memory backend: every entity packed into one flat latin1 string (see codec/), in maps keyed by
 * 64-bit ids; users shared between guilds and reference-counted. No per-entity objects or closures.
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
import type { Codec } from '../codec/schema.js';
import type { Policy } from '../options.js';
import type { MemberFields, Op, Store } from '../store/Store.js';
import { compareIds, GuildRecord, key, UserEntry } from './GuildRecord.js';

const MINUTE = 60_000;

export class MemoryStore implements Store {
  readonly backend = 'memory';
  readonly #guilds = new Map<bigint, GuildRecord>();
  readonly #channelGuild = new Map<bigint, bigint>();
  readonly #users = new Map<bigint, UserEntry>();

  constructor(readonly policy: Policy) {}

  async write(ops: readonly Op[], touched?: { guildId: string; at: number }): Promise<void> {
    for (const op of ops) this.#apply(op, touched?.at ?? 0);
    if (touched) {
      const record = this.#guild(touched.guildId);
      if (record) record.lastActive = touched.at;
    }
  }

  #apply(op: Op, now: number): void {
    const p = this.policy;
    switch (op.type) {
      case 'guild.put': {
        const id = BigInt(op.guildId);
        const record = this.#guilds.get(id);
        const data = p.guild.encode(op.guild);
        if (record) {
          record.data = data;
          record.shard = op.shard;
        } else {
          this.#guilds.set(id, new GuildRecord(data, op.shard, now));
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
        record.channels.set(id, p.channel.encode({ ...op.channel, guild_id: op.guildId }));
        this.#channelGuild.set(id, BigInt(op.guildId));
        return;
      }
      case 'channel.drop': {
        const id = BigInt(op.channelId);
        this.#guild(op.guildId)?.channels.delete(id);
        this.#channelGuild.delete(id);
        return;
      }
      case 'role.put':
        this.#guild(op.guildId)?.roles.set(BigInt(op.role.id), p.role.encode(op.role));
        return;
      case 'role.drop':
        this.#guild(op.guildId)?.roles.delete(BigInt(op.roleId));
        return;
      case 'member.put': {
        const record = this.#guild(op.guildId);
        if (!record) return;
        const id = BigInt(op.userId);
        if (!record.members.has(id)) {
          record.sortedMembers = undefined;
          const user = this.#users.get(id);
          if (user) user.refs++;
        }
        record.members.set(id, p.member.encode(op.member));
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
      case 'user.put': {
        const id = BigInt(op.user.id);
        const entry = this.#users.get(id);
        const data = p.user.encode(op.user);
        if (entry) entry.data = data;
        else this.#users.set(id, new UserEntry(data, 0));
        return;
      }
      case 'emoji.put': {
        const record = this.#guild(op.guildId);
        if (!record || !op.emoji.id) return;
        record.emojis ??= new Map();
        record.emojis.set(BigInt(op.emoji.id), p.emoji.encode(op.emoji));
        return;
      }
      case 'emojis.clear':
        this.#guild(op.guildId)?.emojis?.clear();
        return;
      case 'voice.put': {
        const record = this.#guild(op.guildId);
        if (!record) return;
        record.voiceStates ??= new Map();
        record.voiceStates.set(BigInt(op.state.user_id), p.voiceState.encode(op.state));
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

  #release(userId: bigint): void {
    const user = this.#users.get(userId);
    if (user && --user.refs <= 0) this.#users.delete(userId);
  }

  #dropGuild(id: bigint): void {
    const record = this.#guilds.get(id);
    if (!record) return;
    for (const channelId of record.channels.keys()) this.#channelGuild.delete(channelId);
    for (const userId of record.members.keys()) this.#release(userId);
    this.#guilds.delete(id);
  }

  #decodeAll<T>(codec: Codec, map: Map<bigint, string> | undefined): T[] {
    return map ? [...map.values()].map((data) => codec.decode<T>(data)) : [];
  }

  #member(record: GuildRecord, id: bigint): CachedMember | undefined {
    const data = record.members.get(id);
    if (data === undefined) return undefined;
    const fields = this.policy.member.decode<MemberFields>(data);
    const user = this.#users.get(id);
    const decodedUser = user
      ? this.policy.user.decode<CachedUser>(user.data)
      : ({ id: id.toString() } as CachedUser);
    return { ...fields, roles: fields.roles ?? [], user: decodedUser } as CachedMember;
  }

  async guild(guildId: string): Promise<CachedGuild | undefined> {
    const record = this.#guild(guildId);
    return record && this.policy.guild.decode<CachedGuild>(record.data);
  }
  async shardOf(guildId: string): Promise<number | undefined> {
    return this.#guild(guildId)?.shard;
  }
  async channel(channelId: string): Promise<CachedChannel | undefined> {
    const id = key(channelId);
    const guildId = id === undefined ? undefined : this.#channelGuild.get(id);
    const data = guildId === undefined ? undefined : this.#guilds.get(guildId)?.channels.get(id!);
    return data === undefined ? undefined : this.policy.channel.decode<CachedChannel>(data);
  }
  async channels(guildId: string): Promise<CachedChannel[]> {
    return this.#decodeAll(this.policy.channel, this.#guild(guildId)?.channels);
  }
  async role(guildId: string, roleId: string): Promise<CachedRole | undefined> {
    const id = key(roleId);
    const data = id === undefined ? undefined : this.#guild(guildId)?.roles.get(id);
    return data === undefined ? undefined : this.policy.role.decode<CachedRole>(data);
  }
  async roles(guildId: string): Promise<CachedRole[]> {
    return this.#decodeAll(this.policy.role, this.#guild(guildId)?.roles);
  }
  async member(guildId: string, userId: string): Promise<CachedMember | undefined> {
    const record = this.#guild(guildId);
    const id = key(userId);
    return record && id !== undefined ? this.#member(record, id) : undefined;
  }
  async members(guildId: string, limit: number, after?: string): Promise<Page<CachedMember>> {
    const record = this.#guild(guildId);
    if (!record) return { items: [] };
    record.sortedMembers ??= [...record.members.keys()].sort(compareIds);
    const ids = record.sortedMembers;
    const from = after === undefined ? 0 : firstAbove(ids, key(after) ?? -1n);
    const slice = ids.slice(from, from + limit);
    const items = slice.map((id) => this.#member(record, id)!);
    const more = from + limit < ids.length;
    return more ? { items, next: slice[slice.length - 1]!.toString() } : { items };
  }
  async user(userId: string): Promise<CachedUser | undefined> {
    const id = key(userId);
    const entry = id === undefined ? undefined : this.#users.get(id);
    return entry && this.policy.user.decode<CachedUser>(entry.data);
  }
  async emoji(guildId: string, emojiId: string): Promise<CachedEmoji | undefined> {
    const id = key(emojiId);
    const data = id === undefined ? undefined : this.#guild(guildId)?.emojis?.get(id);
    return data === undefined ? undefined : this.policy.emoji.decode<CachedEmoji>(data);
  }
  async emojis(guildId: string): Promise<CachedEmoji[]> {
    return this.#decodeAll(this.policy.emoji, this.#guild(guildId)?.emojis);
  }
  async voiceState(guildId: string, userId: string): Promise<CachedVoiceState | undefined> {
    const id = key(userId);
    const data = id === undefined ? undefined : this.#guild(guildId)?.voiceStates?.get(id);
    return data === undefined ? undefined : this.policy.voiceState.decode<CachedVoiceState>(data);
  }
  async voiceStates(guildId: string): Promise<CachedVoiceState[]> {
    return this.#decodeAll(this.policy.voiceState, this.#guild(guildId)?.voiceStates);
  }
  async guildIds(shard?: number): Promise<string[]> {
    const out: string[] = [];
    for (const [id, record] of this.#guilds)
      if (shard === undefined || record.shard === shard) out.push(id.toString());
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
    for (const [id, record] of this.#guilds) if (record.lastActive < before) out.push(id.toString());
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
    // Packed bytes plus V8's string header; map entries and keys are not counted.
    let bytes = 0;
    const add = (map: Map<bigint, string> | undefined): number => {
      for (const data of map?.values() ?? []) bytes += 12 + data.length;
      return map?.size ?? 0;
    };
    for (const record of this.#guilds.values()) {
      entities.guilds++;
      bytes += 12 + record.data.length;
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
    for (const user of this.#users.values()) bytes += 12 + user.data.length;
    return { backend: this.backend, entities, bytes, activity };
  }

  async close(): Promise<void> {
    this.#guilds.clear();
    this.#channelGuild.clear();
    this.#users.clear();
  }
}

/** Index of the first id greater than `after` in an ascending array. */
function firstAbove(ids: readonly bigint[], after: bigint): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ids[mid]! <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
