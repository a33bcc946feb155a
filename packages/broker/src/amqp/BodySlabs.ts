/**
 * Message bodies written side by side into shared 64 kB slabs. A publish keeps its body until its
 * confirm (to send it again after a reconnect); kept as bytes in a slab, it is no object of its own
 * for the garbage collector to trace and promote (one slab object per ~60 1 kB bodies).
 */

const SLAB_BYTES = 64 * 1024;
/** Bigger bodies get a Buffer of their own rather than wasting the rest of a slab. */
const OWN_BUFFER_FROM = SLAB_BYTES / 8;
/** The most bytes one UTF-16 code unit takes in UTF-8. */
const MAX_UTF8_PER_UNIT = 3;

/** Where a body was written: a slab (or its own Buffer), the offset in it and its length in bytes. */
export interface BodyPlace {
  slab: Buffer;
  offset: number;
  length: number;
}

export class BodySlabs {
  #slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
  #used = 0;

  /** Writes `body` (a JSON string or bytes) into `place`, which the caller reuses: nothing is allocated per body. */
  write(body: string | Buffer, place: BodyPlace): void {
    const room = typeof body === 'string' ? body.length * MAX_UTF8_PER_UNIT : body.length;
    if (room >= OWN_BUFFER_FROM) {
      place.slab = typeof body === 'string' ? Buffer.from(body) : body;
      place.offset = 0;
      place.length = place.slab.length;
      return;
    }
    if (this.#used + room > SLAB_BYTES) {
      // The old slab stays alive exactly as long as a body in it is still unconfirmed.
      this.#slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
      this.#used = 0;
    }
    place.slab = this.#slab;
    place.offset = this.#used;
    place.length =
      typeof body === 'string' ? this.#slab.write(body, this.#used) : body.copy(this.#slab, this.#used);
    this.#used += place.length;
  }
}
