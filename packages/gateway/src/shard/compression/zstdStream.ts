/**
 * `compress=zstd-stream`: Node 20 has no zstd in `node:zlib`, so this decodes with `fzstd` (pure JS,
 * the decoder discordeno's gateway uses). Discord flushes the stream at the end of every message.
 */
import { Decompress } from 'fzstd';
import type { Inflater } from './Inflater.js';

export class ZstdStreamInflater implements Inflater {
  readonly #stream: Decompress;
  #out: Uint8Array[] = [];

  constructor() {
    this.#stream = new Decompress((data) => {
      this.#out.push(data);
    });
  }

  push(chunk: Uint8Array): Buffer | null {
    this.#stream.push(chunk);
    if (this.#out.length === 0) return null;
    const parts = this.#out;
    this.#out = [];
    if (parts.length > 1) return Buffer.concat(parts);
    const part = parts[0]!;
    return Buffer.from(part.buffer, part.byteOffset, part.byteLength);
  }

  close(): void {
    this.#out = [];
  }
}
