/** Transport compression of one gateway connection: raw frames in, whole JSON payloads out. */

export type Compression = 'zlib-stream' | 'zstd-stream';

export interface Inflater {
  /** Feeds one WebSocket message; returns the payload text once a whole payload is decoded, else null. */
  push(chunk: Uint8Array): Promise<string | null> | string | null;
  close(): void;
}
