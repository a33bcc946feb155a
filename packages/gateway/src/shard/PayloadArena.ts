/**
 * Where a shard keeps the bytes of the payloads it receives. A payload whose `d` travels on as text
 * (a `JsonText`) can wait a long time in a memory broker group; as a JS string it would be copied
 * by every young-generation collection it survives and then promoted, which under a backlog cost
 * more CPU than receiving it. Its bytes are instead copied into off-heap slabs, many payloads to a
 * slab: one memcpy each, and nothing for the collector to move. A slab is freed once no payload cut
 * from it is referenced; a payload too large to share one gets its own.
 */
const SLAB_BYTES = 64 * 1024;
const OWN_BUFFER_BYTES = SLAB_BYTES / 8;

export class PayloadArena {
  #slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
  #used = 0;

  /** A copy of `bytes` that stays valid after `bytes` is reused. */
  copy(bytes: Uint8Array): Buffer {
    const length = bytes.length;
    if (length > OWN_BUFFER_BYTES) return Buffer.from(bytes);
    if (this.#used + length > SLAB_BYTES) {
      this.#slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
      this.#used = 0;
    }
    const start = this.#used;
    this.#slab.set(bytes, start);
    this.#used = start + length;
    return this.#slab.subarray(start, this.#used);
  }
}
