/** Transport compression of one gateway connection: raw frames in, whole JSON payloads (bytes) out. */

export type Compression = 'zlib-stream' | 'zstd-stream';

export interface Inflater {
  /**
   * Feeds one WebSocket message; returns the payload's UTF-8 bytes once a whole payload is decoded,
   * else null. The bytes may be overwritten by the next `push`: a caller keeping them copies them.
   * Throws when the stream is corrupt (the connection is then dropped and resumed).
   */
  push(chunk: Uint8Array): Buffer | null;
  close(): void;
}
