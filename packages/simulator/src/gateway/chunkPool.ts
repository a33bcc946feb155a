/**
 * Memory for the frame chunks of `ReplayBuffer`, made and touched in advance on a worker thread.
 *
 * A load fills sessions' histories with tens of MB a second of memory the process never had.
 * Making it and touching each page the first time are the costly part (on the VM measured, ~300 µs
 * per 64 KiB chunk, against ~10 µs to write 84 dispatches into a chunk already touched), so a
 * worker makes slabs, touches their pages and hands them over, and the gateway's event loop only
 * writes to memory that is already there; it makes its own only when none is ready.
 *
 * Slabs are SharedArrayBuffers (nothing else is shared): V8 counts an ArrayBuffer's memory as the
 * isolate's external memory, and every 64 MiB of that starts a full GC, which marks every object
 * of a large world; a SharedArrayBuffer's it does not count.
 */
import { Worker } from 'node:worker_threads';

export const CHUNK_BYTES = 64 * 1024;
/**
 * A slab is cut into 16 chunks. 16 slabs (16 MiB, ~350 ms of a 60,000 events/s load) are asked for
 * whenever fewer are ready: the answer waits for the end of the event loop's current burst.
 */
const SLAB_BYTES = 16 * CHUNK_BYTES;
const SLABS_ASKED = 16;

/** The worker: makes `count` slabs, writes one byte per page of each, and sends them. */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', ({ count, bytes }) => {
  const slabs = [];
  for (let i = 0; i < count; i++) {
    const slab = new SharedArrayBuffer(bytes);
    const view = new Uint8Array(slab);
    for (let at = 0; at < bytes; at += 4096) view[at] = 0;
    slabs.push(slab);
  }
  parentPort.postMessage(slabs);
});
`;

class ChunkPool {
  #slabs: SharedArrayBuffer[] = [];
  /** The slab being cut, and where its next chunk starts. */
  #slab: SharedArrayBuffer | undefined;
  #cut = 0;
  #worker: Worker | undefined;
  #asked = false;
  #failed = false;

  /** A chunk of `bytes`, zeroed (a frame larger than a chunk gets one of its own, made here). */
  take(bytes: number): Buffer {
    if (bytes !== CHUNK_BYTES) return Buffer.from(new SharedArrayBuffer(bytes));
    if (this.#slab === undefined || this.#cut === SLAB_BYTES) {
      this.#slab = this.#slabs.pop();
      this.#cut = 0;
      if (this.#slabs.length < SLABS_ASKED) this.#ask();
      if (this.#slab === undefined) return Buffer.from(new SharedArrayBuffer(CHUNK_BYTES));
    }
    const chunk = Buffer.from(this.#slab, this.#cut, CHUNK_BYTES);
    this.#cut += CHUNK_BYTES;
    return chunk;
  }

  #ask(): void {
    if (this.#asked || this.#failed) return;
    if (!this.#worker) {
      const worker = new Worker(WORKER_SOURCE, { eval: true });
      worker.on('message', (slabs: SharedArrayBuffer[]) => {
        for (const slab of slabs) this.#slabs.push(slab);
        this.#asked = false;
      });
      // Without the worker, chunks are made where they are taken.
      worker.on('error', () => {
        this.#failed = true;
      });
      // Never what keeps a process alive (after the listeners: a 'message' listener refs it again).
      worker.unref();
      this.#worker = worker;
    }
    this.#asked = true;
    this.#worker.postMessage({ count: SLABS_ASKED, bytes: SLAB_BYTES });
  }
}

/** One pool for the process: what it keeps ready serves every simulator in it. */
export const chunkPool = new ChunkPool();
