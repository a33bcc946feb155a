/**
 * The payloads a connection has received and not yet decoded, in order, their bytes copied into
 * shared off-heap slabs. One socket read can hold hundreds of frames, all received before any
 * promise settles; kept here they are a slab reference and two numbers each, no object per payload
 * until `shift()` cuts its view, so the burst leaves V8 nothing young to promote or to learn to
 * allocate old. A payload whose `d` travels on as text (a `JsonText`) keeps referring to its slab:
 * a message waiting in a memory broker group holds no string on the JS heap. A slab is freed once
 * no payload cut from it is referenced; a payload too large to share one gets its own buffer.
 */
const SLAB_BYTES = 64 * 1024;
const OWN_BUFFER_BYTES = SLAB_BYTES / 8;

export class PayloadInbox {
  #slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
  #used = 0;
  /** A ring of the waiting payloads: buffer (or the Error of an undecodable frame) and bounds. */
  #buffers: (Buffer | Error | undefined)[] = new Array(256).fill(undefined);
  #starts = new Uint32Array(256);
  #ends = new Uint32Array(256);
  #head = 0;
  #size = 0;

  get length(): number {
    return this.#size;
  }

  /** Queues a copy of `bytes`, which the caller may then reuse. */
  push(bytes: Uint8Array): void {
    const length = bytes.length;
    if (length > OWN_BUFFER_BYTES) {
      this.#queue(Buffer.from(bytes), 0, length);
      return;
    }
    if (this.#used + length > SLAB_BYTES) {
      this.#slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
      this.#used = 0;
    }
    const start = this.#used;
    this.#slab.set(bytes, start);
    this.#used = start + length;
    this.#queue(this.#slab, start, this.#used);
  }

  /** Queues a frame that could not be decoded, in its place in the order. */
  pushError(error: Error): void {
    this.#queue(error, 0, 0);
  }

  /** The oldest waiting payload's bytes (valid for as long as they are referenced), or its Error. */
  shift(): Buffer | Error | undefined {
    if (this.#size === 0) return undefined;
    const at = this.#head;
    const buffer = this.#buffers[at]!;
    this.#buffers[at] = undefined;
    this.#head = (at + 1) % this.#buffers.length;
    this.#size--;
    return buffer instanceof Error ? buffer : buffer.subarray(this.#starts[at], this.#ends[at]);
  }

  /** Drops every waiting payload (the connection is gone). */
  clear(): void {
    this.#buffers.fill(undefined);
    this.#head = 0;
    this.#size = 0;
  }

  #queue(buffer: Buffer | Error, start: number, end: number): void {
    if (this.#size === this.#buffers.length) this.#grow();
    const at = (this.#head + this.#size) % this.#buffers.length;
    this.#buffers[at] = buffer;
    this.#starts[at] = start;
    this.#ends[at] = end;
    this.#size++;
  }

  /** Twice the room, the waiting payloads moved to its start in order. */
  #grow(): void {
    const capacity = this.#buffers.length * 2;
    const buffers: (Buffer | Error | undefined)[] = new Array(capacity).fill(undefined);
    const starts = new Uint32Array(capacity);
    const ends = new Uint32Array(capacity);
    for (let i = 0; i < this.#size; i++) {
      const from = (this.#head + i) % this.#buffers.length;
      buffers[i] = this.#buffers[from];
      starts[i] = this.#starts[from]!;
      ends[i] = this.#ends[from]!;
    }
    this.#buffers = buffers;
    this.#starts = starts;
    this.#ends = ends;
    this.#head = 0;
  }
}
