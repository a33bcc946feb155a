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

/**
 * MurmurHash3's finaliser: FNV-1a alone barely changes its high bits for keys that differ only in
 * their last characters (one partition number from the next), which would give one member most partitions.
 */
function mix(hash: number): number {
  let h = hash;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The partitions `member` owns among `members` (rendezvous hashing: each partition goes to the member
 * with the highest hash of the pair, so a member joining or leaving moves only its own share).
 */
export function partitionsOwnedBy(member: string, members: readonly string[], partitions: number): number[] {
  const owned: number[] = [];
  for (let partition = 0; partition < partitions; partition++) {
    let owner = member;
    let best = -1;
    for (const candidate of members) {
      const score = mix(hashKey(`${candidate}/${partition}`));
      if (score > best || (score === best && candidate < owner)) {
        best = score;
        owner = candidate;
      }
    }
    if (owner === member) owned.push(partition);
  }
  return owned;
}
