/**
 * Redis key layout. Everything of one guild shares the hash tag `{g<id>}`, so a Redis Cluster keeps
 * a guild in one slot and a guild's writes go to one node; indexes are spread over 16 buckets.
 *
 *   <p>:{g<id>}:g   hash  d → packed guild, s → shard
 *   <p>:{g<id>}:c   hash  channel id → packed channel (threads included)
 *   <p>:{g<id>}:r   hash  role id → packed role
 *   <p>:{g<id>}:m   hash  user id → packed member (without user)
 *   <p>:{g<id>}:mi  zset  member ids, zero-padded, for paging in id order
 *   <p>:{g<id>}:e   hash  emoji id → packed emoji
 *   <p>:{g<id>}:v   hash  user id → packed voice state
 *   <p>:{ci<k>}     hash  channel id → guild id (bucket k = id mod 16)
 *   <p>:{u<k>}      hash  user id → packed user
 *   <p>:{gs}        hash  guild id → shard
 *   <p>:{s<n>}      set   guild ids of shard n
 *   <p>:{act}       zset  guild id → last activity (ms)
 */

const BUCKETS = 16n;

export class Keys {
  constructor(readonly prefix: string) {
    if (/[{}]/.test(prefix))
      throw new Error(`cache: the Redis key prefix must not contain { or }: ${prefix}`);
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
  members(id: string): string {
    return `${this.prefix}:{g${id}}:m`;
  }
  memberIndex(id: string): string {
    return `${this.prefix}:{g${id}}:mi`;
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
      this.members(id),
      this.memberIndex(id),
      this.emojis(id),
      this.voiceStates(id),
    ];
  }
  channelIndex(channelId: string): string {
    return `${this.prefix}:{ci${BigInt(channelId) % BUCKETS}}`;
  }
  channelIndexBuckets(): string[] {
    return Array.from({ length: Number(BUCKETS) }, (_, k) => `${this.prefix}:{ci${k}}`);
  }
  users(userId: string): string {
    return `${this.prefix}:{u${BigInt(userId) % BUCKETS}}`;
  }
  userBuckets(): string[] {
    return Array.from({ length: Number(BUCKETS) }, (_, k) => `${this.prefix}:{u${k}}`);
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

/** Zero-padded so that lexical order is numeric order (ZRANGE BYLEX pages members by id). */
export function padId(id: string): string {
  return id.padStart(20, '0');
}

export function unpadId(padded: string): string {
  return padded.replace(/^0+(?=\d)/, '');
}
