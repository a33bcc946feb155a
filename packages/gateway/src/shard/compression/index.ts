/** Picks the inflater for a connection's `compress` query parameter. */
import type { Compression, Inflater } from './Inflater.js';
import { ZlibStreamInflater } from './zlibStream.js';
import { ZstdStreamInflater } from './zstdStream.js';

export type { Compression, Inflater } from './Inflater.js';

export function createInflater(compression: Compression | null | undefined): Inflater | undefined {
  switch (compression) {
    case 'zlib-stream':
      return new ZlibStreamInflater();
    case 'zstd-stream':
      return new ZstdStreamInflater();
    case null:
    case undefined:
      return undefined;
  }
}
