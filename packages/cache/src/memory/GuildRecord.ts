/** One guild in the memory backend: its packed fields and a table per child entity, keyed by 64-bit id. */

export class GuildRecord {
  readonly channels = new Map<bigint, string>();
  readonly roles = new Map<bigint, string>();
  /** Member fields without the user (users are shared across guilds). */
  readonly members = new Map<bigint, string>();
  emojis: Map<bigint, string> | undefined;
  voiceStates: Map<bigint, string> | undefined;
  /** Member ids in ascending order, for paging; rebuilt after the member set changes. */
  sortedMembers: bigint[] | undefined;

  constructor(
    public data: string,
    public shard: number,
    public lastActive: number,
  ) {}
}

/** A user and the number of cached members that refer to it; dropped when that reaches zero. */
export class UserEntry {
  constructor(
    public data: string,
    public refs: number,
  ) {}
}

/** Parses a snowflake, or undefined for anything that is not one (a read for "abc" finds nothing). */
export function key(id: string): bigint | undefined {
  if (!/^\d{1,20}$/.test(id)) return undefined;
  const n = BigInt(id);
  return n <= 0xffffffffffffffffn ? n : undefined;
}

export function compareIds(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
