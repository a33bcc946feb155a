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

/** The native zlib stream under `node:zlib`'s Inflate, as its own `*Sync` functions drive it. */
interface ZlibHandle {
  writeSync(
    flush: number,
    input: Uint8Array,
    inOffset: number,
    inLength: number,
    output: Uint8Array,
    outOffset: number,
    outLength: number,
  ): void;
}

const OUTPUT_BYTES = 64 * 1024;

/**
 * Inflates each frame synchronously, as it arrives: node:zlib's asynchronous inflate costs a
 * thread-pool round trip and a promise per write, and batching frames to amortise it meant
 * inflating into large buffers, copying them together, decoding them into strings past V8's
 * large-object threshold (a slow allocation each) and cutting those into payloads. node:zlib has
 * no public synchronous streaming inflate, so this drives the stream's native handle the way
 * `zlib.inflateSync` does (`writeSync`, `_writeState`); an error in the stream destroys the
 * Inflate synchronously and is thrown here. A payload fitting the output buffer is returned in it.
 */
export class ZlibStreamInflater implements Inflater {
  readonly #inflate: Inflate;
  readonly #handle: ZlibHandle;
  /** `[outputLeft, inputLeft]` after each `writeSync`. */
  readonly #state: Uint32Array;
  readonly #output = Buffer.allocUnsafe(OUTPUT_BYTES);
  /** Inflated bytes of a payload whose end has not arrived yet (or that overflowed the output). */
  #pending: Buffer[] = [];

  constructor() {
    this.#inflate = createInflate();
    // Errors surface through `errored` and are thrown by `push`; the event itself is not needed.
    this.#inflate.on('error', () => {});
    const internals = this.#inflate as unknown as { _handle?: ZlibHandle; _writeState?: Uint32Array };
    if (typeof internals._handle?.writeSync !== 'function' || !internals._writeState) {
      throw new Error(
        'zlib-stream: this Node version has no synchronous zlib handle; use zstd-stream or none',
      );
    }
    this.#handle = internals._handle;
    this.#state = internals._writeState;
  }

  push(chunk: Uint8Array): Buffer | null {
    // A destroyed stream's handle is closed: writing to it would abort the process.
    if (this.#inflate.destroyed) this.#throwClosed();
    const output = this.#output;
    let inOffset = 0;
    let inLength = chunk.length;
    let produced: number;
    for (;;) {
      this.#handle.writeSync(constants.Z_SYNC_FLUSH, chunk, inOffset, inLength, output, 0, OUTPUT_BYTES);
      if (this.#inflate.destroyed) this.#throwClosed();
      const outputLeft = this.#state[0]!;
      const inputLeft = this.#state[1]!;
      produced = OUTPUT_BYTES - outputLeft;
      inOffset += inLength - inputLeft;
      inLength = inputLeft;
      // Output left over means zlib has nothing more for this input.
      if (outputLeft > 0) break;
      this.#pending.push(Buffer.from(output));
    }
    if (!endsWithSyncFlush(chunk)) {
      if (produced > 0) this.#pending.push(Buffer.from(output.subarray(0, produced)));
      return null;
    }
    if (this.#pending.length === 0) return output.subarray(0, produced);
    this.#pending.push(output.subarray(0, produced));
    const whole = Buffer.concat(this.#pending);
    this.#pending = [];
    return whole;
  }

  close(): void {
    this.#pending = [];
    this.#inflate.destroy();
  }

  #throwClosed(): never {
    this.#pending = [];
    throw this.#inflate.errored ?? new Error('zlib-stream: the inflate stream is closed');
  }
}
