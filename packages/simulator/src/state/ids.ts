/** Snowflake comparison without BigInt: longer is larger, then lexicographic. */
export function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `(id >> 22)`, the milliseconds since Discord's epoch, as a number (fits in 2^53). */
export function shardKeyOf(id: string): number {
  return Number(BigInt(id) >> 22n);
}
