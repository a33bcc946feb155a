/**
 * Redis key layout. Everything of one guild shares the hash tag `{g<id>}`, so a Redis Cluster keeps
 * a guild in one slot and a guild's writes go to one node; users and the channel index are bucketed.
 *
 *   <p>:{g<id>}:g   hash  d → packed guild, s → shard
 *   <p>:{g<id>}:c   hash  channel id → packed channel (threads included)
 *   <p>:{g<id>}:r   hash  role id → packed role
 *   <p>:{g<id>}:m<k> hash user id → packed member (without user), k = bucketOf(user id, 64)
 *   <p>:{g<id>}:e   hash  emoji id → packed emoji
 *   <p>:{g<id>}:v   hash  user id → packed voice state
 *   <p>:{ci<k>}     hash  channel id → guild id (k = bucketOf(id, indexBuckets))
 *   <p>:{u<k>}      hash  user id → packed user (k = bucketOf(id, indexBuckets))
 *   <p>:{u<k>}:r    hash  user id → number of cached members referring to the user
 *   <p>:{gs}        hash  guild id → shard
 *   <p>:{s<n>}      set   guild ids of shard n
 *   <p>:{act}       zset  guild id → last activity (ms)
 */

/**
 * Users and the channel index are spread over this many hashes (a power of two; changing it
 * orphans the data written before). Redis keeps a hash of up to 512 short entries as a compact
 * listpack, so the best count is about (users or channels) / 256.
 */
export const DEFAULT_INDEX_BUCKETS = 4096;
/**
 * Members of a guild are spread over 64 hashes, so that up to ~32,000 members each hash stays
 * small enough (hash-max-listpack-entries, 512 by default) for Redis's compact listpack encoding.
 */
const MEMBER_BUCKETS = 64;

export class Keys {
  constructor(
    readonly prefix: string,
    readonly indexBuckets = DEFAULT_INDEX_BUCKETS,
  ) {
    if (/[{}]/.test(prefix))
      throw new Error(`cache: the Redis key prefix must not contain { or }: ${prefix}`);
    if (!Number.isInteger(indexBuckets) || indexBuckets < 1)
      throw new Error('cache: indexBuckets must be a positive integer');
  }

  guild(id: string): string {
    return `${this.prefix}:{g${id}}:g`;
  }
  channels(id: string): string {
    return `${this.prefix}:{g${id}}:c`;
  }
  roles(id: string): string {
    return `${this.prefix}:{g${id}}:r`;
  }
  /** The member bucket of one user in one guild. */
  members(id: string, userId: string): string {
    return `${this.prefix}:{g${id}}:m${bucketOf(userId, MEMBER_BUCKETS)}`;
  }
  memberBuckets(id: string): string[] {
    return Array.from({ length: MEMBER_BUCKETS }, (_, k) => `${this.prefix}:{g${id}}:m${k}`);
  }
  emojis(id: string): string {
    return `${this.prefix}:{g${id}}:e`;
  }
  voiceStates(id: string): string {
    return `${this.prefix}:{g${id}}:v`;
  }
  /** Every key of one guild (one slot). */
  allOfGuild(id: string): string[] {
    return [
      this.guild(id),
      this.channels(id),
      this.roles(id),
      ...this.memberBuckets(id),
      this.emojis(id),
      this.voiceStates(id),
    ];
  }
  channelIndex(channelId: string): string {
    return `${this.prefix}:{ci${bucketOf(channelId, this.indexBuckets)}}`;
  }
  channelIndexBuckets(): string[] {
    return Array.from({ length: this.indexBuckets }, (_, k) => `${this.prefix}:{ci${k}}`);
  }
  users(userId: string): string {
    return `${this.prefix}:{u${bucketOf(userId, this.indexBuckets)}}`;
  }
  /** Per user: the number of cached members referring to it (same slot as `users`). */
  userRefs(userId: string): string {
    return `${this.prefix}:{u${bucketOf(userId, this.indexBuckets)}}:r`;
  }
  userBuckets(): string[] {
    return Array.from({ length: this.indexBuckets }, (_, k) => `${this.prefix}:{u${k}}`);
  }
  userRefBuckets(): string[] {
    return this.userBuckets().map((key) => `${key}:r`);
  }
  guildShards(): string {
    return `${this.prefix}:{gs}`;
  }
  shard(n: number): string {
    return `${this.prefix}:{s${n}}`;
  }
  activity(): string {
    return `${this.prefix}:{act}`;
  }
}

/**
 * The bucket of a snowflake. Not `id mod n`: a snowflake's low 22 bits are worker, process and a
 * per-millisecond increment, mostly zeros, so they would crowd a few buckets. The creation time
 * (bits 22 and up) is mixed in.
 */
export function bucketOf(id: string, n: number): number {
  const big = BigInt(id);
  const lo = Number(big & 0xffffffffn);
  const hi = Number(big >> 32n);
  const ms = Number((big >> 22n) & 0xffffffffn);
  const mixed = Math.imul(ms ^ Math.imul(lo ^ hi, 0x9e3779b1), 0x85ebca6b);
  return ((mixed ^ (mixed >>> 15)) >>> 0) % n;
}
