/** One guild in the memory backend: its packed fields and a compact table per child entity. */
import { IdTable } from './IdTable.js';

export class GuildRecord {
  readonly channels = new IdTable<string>();
  readonly roles = new IdTable<string>();
  /** Member fields without the user (users are shared across guilds). */
  readonly members = new IdTable<string>();
  emojis: IdTable<string> | undefined;
  voiceStates: IdTable<string> | undefined;
  /** Member ids in ascending order, for paging; dropped when the member set changes. */
  sortedMembers: BigUint64Array | undefined;

  constructor(
    readonly id: bigint,
    public data: string,
    public shard: number,
    public lastActive: number,
  ) {}
}

/** Parses a snowflake, or undefined for anything that is not one (a read for "abc" finds nothing). */
export function key(id: string): bigint | undefined {
  if (!/^\d{1,20}$/.test(id)) return undefined;
  const n = BigInt(id);
  return n > 0n && n <= 0xffffffffffffffffn ? n : undefined;
}
