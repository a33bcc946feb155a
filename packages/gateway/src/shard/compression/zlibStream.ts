/** `compress=zlib-stream`: one zlib context per connection; a payload ends with the Z_SYNC_FLUSH suffix. */
import { constants, createInflate, type Inflate } from 'node:zlib';
import type { Inflater } from './Inflater.js';
import { cutPayloads } from './splitPayloads.js';

const SUFFIX = [0x00, 0x00, 0xff, 0xff] as const;

export function endsWithSyncFlush(chunk: Uint8Array): boolean {
  const n = chunk.length;
  return (
    n >= 4 &&
    chunk[n - 4] === SUFFIX[0] &&
    chunk[n - 3] === SUFFIX[1] &&
    chunk[n - 2] === SUFFIX[2] &&
    chunk[n - 1] === SUFFIX[3]
  );
}

interface Waiting {
  complete: boolean;
  resolve: (text: string | null) => void;
  reject: (err: Error) => void;
}

/**
 * Frames that arrive together are written to zlib as one chunk: node:zlib's asynchronous inflate
 * costs a thread-pool round trip per write, which would cap a shard at a few ten thousand payloads
 * per second. The inflated text of a batch is cut into payloads at their top-level ends; each frame
 * that ends with the Z_SYNC_FLUSH suffix closes exactly one payload, in order.
 */
export class ZlibStreamInflater implements Inflater {
  readonly #inflate: Inflate;
  #out: Buffer[] = [];
  #error: Error | undefined;
  #batch: Uint8Array[] = [];
  #waiting: Waiting[] = [];
  /** The frames of the write under way; on a zlib error its callback may never run. */
  #inFlight: Waiting[] = [];
  #writing = false;
  #scheduled = false;
  /** Text of a payload whose end has not arrived yet. */
  #carry = '';

  constructor() {
    this.#inflate = createInflate({ chunkSize: 256 * 1024, flush: constants.Z_SYNC_FLUSH });
    this.#inflate.on('data', (data: Buffer) => this.#out.push(data));
    this.#inflate.on('error', (err: Error) => this.#fail(err));
  }

  push(chunk: Uint8Array): Promise<string | null> {
    if (this.#error) return Promise.reject(this.#error);
    return new Promise((resolve, reject) => {
      this.#batch.push(chunk);
      this.#waiting.push({ complete: endsWithSyncFlush(chunk), resolve, reject });
      if (!this.#writing && !this.#scheduled) {
        this.#scheduled = true;
        // Frames of one socket read arrive in one turn: write them together after it.
        queueMicrotask(() => {
          this.#scheduled = false;
          this.#write();
        });
      }
    });
  }

  close(): void {
    this.#out = [];
    this.#batch = [];
    this.#waiting = [];
    this.#inflate.destroy();
  }

  #write(): void {
    if (this.#writing || this.#batch.length === 0 || this.#error) return;
    const frames = this.#batch;
    const waiting = this.#waiting;
    this.#batch = [];
    this.#waiting = [];
    this.#writing = true;
    this.#inFlight = waiting;
    const input = frames.length === 1 ? frames[0]! : Buffer.concat(frames);
    this.#inflate.write(input, (err) => {
      this.#writing = false;
      this.#inFlight = [];
      if (err || this.#error) return this.#fail(err ?? this.#error!, waiting);
      try {
        this.#settle(waiting);
      } catch (cut) {
        return this.#fail(cut as Error, waiting);
      }
      this.#write();
    });
  }

  /** Hands each payload of the inflated text to the frame that completed it. */
  #settle(waiting: Waiting[]): void {
    const inflated = this.#out.length === 1 ? this.#out[0]!.toString() : Buffer.concat(this.#out).toString();
    this.#out = [];
    let closing = 0;
    for (const w of waiting) if (w.complete) closing++;
    let payloads: string[];
    if (closing === 1 && waiting.at(-1)!.complete) {
      // The usual case: one payload ends with this batch, no need to cut.
      payloads = [this.#carry + inflated];
      this.#carry = '';
    } else {
      const cut = cutPayloads(this.#carry + inflated, closing, waiting.at(-1)!.complete);
      payloads = cut.payloads;
      this.#carry = cut.rest;
    }
    let next = 0;
    for (const w of waiting) w.resolve(w.complete ? payloads[next++]! : null);
  }

  #fail(err: Error, waiting: Waiting[] = []): void {
    this.#error ??= err;
    for (const w of new Set([...waiting, ...this.#inFlight, ...this.#waiting])) w.reject(this.#error);
    this.#waiting = [];
    this.#inFlight = [];
    this.#batch = [];
  }
}
