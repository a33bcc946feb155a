/** `compress=zlib-stream`: one zlib context per connection; a payload ends with the Z_SYNC_FLUSH suffix. */
import { constants, createInflate, type Inflate } from 'node:zlib';
import type { Inflater } from './Inflater.js';

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

/**
 * Frames are written to zlib as they arrive, without waiting for the previous one: zlib works through
 * them on the thread pool while the main thread handles earlier payloads. Writes complete in order,
 * and a write's output is pushed before its callback runs, so each callback closes one payload.
 */
export class ZlibStreamInflater implements Inflater {
  readonly #inflate: Inflate;
  #out: Buffer[] = [];
  #error: Error | undefined;
  /** Rejects the pushes in progress: after a zlib error their write callbacks may never run. */
  readonly #pending = new Set<(err: Error) => void>();

  constructor() {
    this.#inflate = createInflate({ chunkSize: 64 * 1024, flush: constants.Z_SYNC_FLUSH });
    this.#inflate.on('data', (data: Buffer) => this.#out.push(data));
    this.#inflate.on('error', (err: Error) => {
      this.#error = err;
      for (const fail of this.#pending) fail(err);
      this.#pending.clear();
    });
  }

  push(chunk: Uint8Array): Promise<string | null> {
    if (this.#error) return Promise.reject(this.#error);
    const complete = endsWithSyncFlush(chunk);
    return new Promise((resolve, reject) => {
      this.#pending.add(reject);
      this.#inflate.write(chunk, (err) => {
        this.#pending.delete(reject);
        if (err ?? this.#error) return reject(err ?? this.#error);
        if (!complete) return resolve(null);
        const text = this.#out.length === 1 ? this.#out[0]!.toString() : Buffer.concat(this.#out).toString();
        this.#out = [];
        resolve(text);
      });
    });
  }

  close(): void {
    this.#out = [];
    this.#pending.clear();
    this.#inflate.destroy();
  }
}
