/**
 * A hash table keyed by 64-bit snowflakes, far smaller than `Map<bigint, V>`: keys live inline as
 * two 32-bit halves in one typed array (open addressing, linear probing, backward-shift deletion),
 * values in one array, no per-entry object. Optional 32-bit counters beside each entry.
 */

const EMPTY_HI = 0;
const EMPTY_LO = 0;
const MIN_CAPACITY = 4;

export function split(id: bigint): [lo: number, hi: number] {
  return [Number(id & 0xffffffffn), Number(id >> 32n)];
}

function join(lo: number, hi: number): bigint {
  return (BigInt(hi) << 32n) | BigInt(lo);
}

export class IdTable<V> {
  #keys: Uint32Array;
  #values: (V | undefined)[];
  #counts: Uint32Array | undefined;
  #size = 0;

  constructor(
    capacity = MIN_CAPACITY,
    private readonly withCounts = false,
  ) {
    let cap = MIN_CAPACITY;
    while (cap < capacity) cap *= 2;
    this.#keys = new Uint32Array(cap * 2);
    this.#values = new Array(cap);
    this.#counts = withCounts ? new Uint32Array(cap) : undefined;
  }

  get size(): number {
    return this.#size;
  }

  #slot(lo: number, hi: number): number {
    const mask = this.#values.length - 1;
    let i = (Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b) >>> 0) & mask;
    for (;;) {
      const klo = this.#keys[2 * i]!;
      const khi = this.#keys[2 * i + 1]!;
      if (klo === lo && khi === hi) return i;
      if (klo === EMPTY_LO && khi === EMPTY_HI) return -1 - i;
      i = (i + 1) & mask;
    }
  }

  #find(id: bigint): number {
    if (id === 0n) return -1;
    const [lo, hi] = split(id);
    return this.#slot(lo, hi);
  }

  has(id: bigint): boolean {
    return this.#find(id) >= 0;
  }

  get(id: bigint): V | undefined {
    const i = this.#find(id);
    return i >= 0 ? this.#values[i] : undefined;
  }

  /** Sets the value; returns true when the id is new. Id 0 is not a snowflake and is refused. */
  set(id: bigint, value: V): boolean {
    if (id <= 0n || id > 0xffffffffffffffffn) throw new RangeError(`not a snowflake: ${id}`);
    const [lo, hi] = split(id);
    const i = this.#slot(lo, hi);
    if (i >= 0) {
      this.#values[i] = value;
      return false;
    }
    if ((this.#size + 1) * 4 > this.#values.length * 3) {
      this.#grow();
      return this.set(id, value);
    }
    const free = -1 - i;
    this.#keys[2 * free] = lo;
    this.#keys[2 * free + 1] = hi;
    this.#values[free] = value;
    if (this.#counts) this.#counts[free] = 0;
    this.#size++;
    return true;
  }

  /** Adds `delta` to the id's counter and returns it (the id must be present). */
  count(id: bigint, delta: number): number {
    const i = this.#find(id);
    if (i < 0 || !this.#counts) return 0;
    this.#counts[i] = Math.max(0, this.#counts[i]! + delta);
    return this.#counts[i]!;
  }

  delete(id: bigint): boolean {
    let i = this.#find(id);
    if (i < 0) return false;
    const mask = this.#values.length - 1;
    // Backward-shift: pull later entries of the probe run into the hole, so no tombstones remain.
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const lo = this.#keys[2 * j]!;
      const hi = this.#keys[2 * j + 1]!;
      if (lo === EMPTY_LO && hi === EMPTY_HI) break;
      const home = (Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b) >>> 0) & mask;
      // Move j into i when its home is not cyclically within (i, j].
      const between = i <= j ? home > i && home <= j : home > i || home <= j;
      if (between) continue;
      this.#keys[2 * i] = lo;
      this.#keys[2 * i + 1] = hi;
      this.#values[i] = this.#values[j];
      if (this.#counts) this.#counts[i] = this.#counts[j]!;
      i = j;
    }
    this.#keys[2 * i] = EMPTY_LO;
    this.#keys[2 * i + 1] = EMPTY_HI;
    this.#values[i] = undefined;
    this.#size--;
    return true;
  }

  #grow(): void {
    const keys = this.#keys;
    const values = this.#values;
    const counts = this.#counts;
    const cap = values.length * 2;
    this.#keys = new Uint32Array(cap * 2);
    this.#values = new Array(cap);
    this.#counts = this.withCounts ? new Uint32Array(cap) : undefined;
    this.#size = 0;
    for (let i = 0; i < values.length; i++) {
      const lo = keys[2 * i]!;
      const hi = keys[2 * i + 1]!;
      if (lo === EMPTY_LO && hi === EMPTY_HI) continue;
      const free = -1 - this.#slot(lo, hi);
      this.#keys[2 * free] = lo;
      this.#keys[2 * free + 1] = hi;
      this.#values[free] = values[i];
      if (this.#counts && counts) this.#counts[free] = counts[i]!;
      this.#size++;
    }
  }

  clear(): void {
    this.#keys = new Uint32Array(MIN_CAPACITY * 2);
    this.#values = new Array(MIN_CAPACITY);
    this.#counts = this.withCounts ? new Uint32Array(MIN_CAPACITY) : undefined;
    this.#size = 0;
  }

  *entries(): IterableIterator<[bigint, V]> {
    for (let i = 0; i < this.#values.length; i++) {
      const lo = this.#keys[2 * i]!;
      const hi = this.#keys[2 * i + 1]!;
      if (lo !== EMPTY_LO || hi !== EMPTY_HI) yield [join(lo, hi), this.#values[i]!];
    }
  }

  *keys(): IterableIterator<bigint> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): IterableIterator<V> {
    for (let i = 0; i < this.#values.length; i++) {
      if (this.#keys[2 * i] !== EMPTY_LO || this.#keys[2 * i + 1] !== EMPTY_HI) yield this.#values[i]!;
    }
  }

  /** The keys in ascending order, packed (8 bytes each). */
  sortedKeys(): BigUint64Array {
    const out = new BigUint64Array(this.#size);
    let n = 0;
    for (const key of this.keys()) out[n++] = key;
    return out.sort();
  }
}
