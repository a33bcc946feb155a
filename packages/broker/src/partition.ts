/** Which of N partitions a message goes to: by its partition key (stable), else round robin. */

/** FNV-1a, 32 bits: stable across processes and versions, cheap, spreads guild ids evenly. */
export function hashKey(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export class Partitioner {
  #next = 0;

  constructor(readonly partitions: number) {
    if (!Number.isInteger(partitions) || partitions < 1 || partitions > 1024)
      throw new RangeError(`partitions must be an integer from 1 to 1024, got ${partitions}`);
  }

  of(partitionKey: string | undefined): number {
    if (partitionKey !== undefined) return hashKey(partitionKey) % this.partitions;
    this.#next = (this.#next + 1) % this.partitions;
    return this.#next;
  }
}
