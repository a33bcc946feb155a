/** Transport compression of one gateway connection: raw frames in, whole JSON payloads out. */

export type Compression = 'zlib-stream' | 'zstd-stream';

export interface Inflater {
  /**
   * Feeds one WebSocket message; returns the payload text once a whole payload is decoded, else
   * null. Throws when the stream is corrupt (the connection is then dropped and resumed).
   */
  push(chunk: Uint8Array): string | null;
  close(): void;
}
